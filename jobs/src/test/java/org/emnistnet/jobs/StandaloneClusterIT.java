package org.emnistnet.jobs;

import org.emnistnet.jobs.ClusterProcesses.Result;
import org.emnistnet.model.TrainedModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.emnistnet.jobs.ClusterProcesses.appJar;
import static org.emnistnet.jobs.ClusterProcesses.run;
import static org.emnistnet.jobs.ClusterProcesses.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs through spark-submit with the application jar, on a real Spark standalone cluster on 127.0.0.1
 * ({@link StandaloneCluster}: a master and two workers, one executor JVM each) with authentication on. Faults on the
 * same cluster: {@link StandaloneClusterFaultsIT}.
 */
@Tag("cluster")
class StandaloneClusterIT {
    @RegisterExtension
    static final StandaloneCluster CLUSTER = new StandaloneCluster();

    @Test
    void theSecretIsKeptForItsOwnerAloneAndShowsOnNoCommandLine() throws Exception {
        Path secretFile = CLUSTER.clusterDir().resolve("secret");
        assertEquals(CLUSTER.secret(), Files.readString(secretFile));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(secretFile));
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(CLUSTER.dir().toString()))).isNotEmpty().noneMatch(c -> c.contains(CLUSTER.secret()));
    }

    @Test
    void theWholePipelineRunsThroughSparkSubmitOnTwoExecutors() throws Exception {
        Path prepared = CLUSTER.lake().resolve("prepared"); // ingested and prepared through spark-submit
        Path run = Files.createTempDirectory(CLUSTER.dir(), "run");
        Result train = CLUSTER.submit("TrainJob", true, "--in", prepared.toString(), "--run", run.toString(),
                "--epochs", "2", "--limit", "2000", "--batch", "64", "--workers", "2");
        assertEquals(0, train.code(), train.output());
        assertThat(train.output()).contains("train: epoch 2/2");
        // 2 epochs of 2,000 images in minibatches of 64 on 2 workers averaging every 5 (62 steps). In minibatches of
        // 256 (16 steps) it ended anywhere from 0.12 to 0.37: too few steps to be sure it learns.
        assertThat(JobOutput.accuracyIn(train.output())).as("test accuracy").isGreaterThan(0.2);
        assertEquals(10, TrainedModel.load(run.resolve("model.zip").toString()).classNames().size());
        Result score = CLUSTER.submit("ScoreJob", true, "--model", run.resolve("model.zip").toString(), "--in", prepared.toString(),
                "--out", run.resolveSibling(run.getFileName() + "-scores").toString());
        assertEquals(0, score.code(), score.output());
        Path report = run.resolveSibling(run.getFileName() + "-report");
        Result evaluate = CLUSTER.submit("EvaluateJob", true, "--predictions", run.resolveSibling(run.getFileName() + "-scores").toString(),
                "--labels", prepared.toString(), "--out", report.toString(), "--run", run.toString());
        assertEquals(0, evaluate.code(), evaluate.output());
        assertTrue(Files.isRegularFile(report.resolve("metrics.json")));
        // the secret's copy each submission made (mode 600) goes when its driver ends
        waitFor(() -> CLUSTER.secretCopies().findAny().isEmpty(), 10, "no submit-*.properties left in the cluster folder");
        // both workers ran executors (separate JVMs) for the training application
        for (String worker : new String[]{"worker-1", "worker-2"}) {
            try (var apps = Files.list(CLUSTER.clusterDir().resolve(worker))) {
                assertTrue(apps.findAny().isPresent(), worker + " ran executors");
            }
        }
    }

    @Test
    void theLauncherUsersMeetFirstRunsAJobOnTheProjectsClusterWithItsClusterDir() throws Exception {
        Path raw = CLUSTER.lake().resolve("raw"); // bin/emnistnet ingest --master ... --cluster-dir ...
        assertTrue(Files.isRegularFile(raw.resolve("_manifest.json")));
        assertThat(Files.readString(CLUSTER.lakeIngestLog())).contains("ingest: fashion-mnist {train=60000, test=10000}")
                .doesNotContain("SaslException");
    }

    @Test
    void aJobWithoutTheSharedSecretIsRefusedSayingSo() throws Exception {
        Path out = CLUSTER.dir().resolve("refused");
        Result refused = CLUSTER.submit("IngestJob", false, "--dataset", "fashion-mnist", "--out", out.toString());
        assertEquals(JobRunner.FAILED, refused.code(), refused.output());
        assertThat(refused.output()).contains("this application has no secret");
        assertFalse(Files.exists(out));
    }

    @Test
    void aJobWithAWrongSecretIsRefusedAtOnceSayingSo() throws Exception {
        long started = System.nanoTime();
        Path out = CLUSTER.dir().resolve("wrong-secret");
        Result refused = run(List.of("bin/submit", "--master", CLUSTER.master(), "--properties-file", "conf/spark-defaults.cluster.conf",
                "--conf", "spark.authenticate.secret=not-" + CLUSTER.secret(), "--class", "org.emnistnet.jobs.IngestJob", appJar(),
                "--dataset", "fashion-mnist", "--out", out.toString()), 120);
        assertEquals(JobRunner.FAILED, refused.code(), refused.output());
        assertThat(refused.output()).contains("refused this application's secret");
        // Spark alone gives up after 3 registration attempts 20 s apart, saying only "All masters are unresponsive"
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(50));
        assertFalse(Files.exists(out));
    }
}
