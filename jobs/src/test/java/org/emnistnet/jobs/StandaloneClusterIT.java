package org.emnistnet.jobs;

import org.emnistnet.jobs.ClusterProcesses.Result;
import org.emnistnet.model.TrainedModel;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.emnistnet.jobs.ClusterProcesses.appJar;
import static org.emnistnet.jobs.ClusterProcesses.finish;
import static org.emnistnet.jobs.ClusterProcesses.run;
import static org.emnistnet.jobs.ClusterProcesses.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs on a real Spark standalone cluster on 127.0.0.1 ({@link StandaloneCluster}: a master and two workers, one
 * executor JVM each) with authentication on: the whole pipeline as one application through the launcher users meet
 * first, then a job through spark-submit with the application jar. Every job on its own through spark-submit, and
 * faults: {@link StandaloneClusterFaultsIT} (and {@code YarnClusterIT}).
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    @RegisterExtension
    static final StandaloneCluster CLUSTER = new StandaloneCluster();

    private static Path work() {
        return CLUSTER.dir().resolve("pipeline");
    }

    private static Path log(String name) {
        return CLUSTER.dir().resolve(name + ".log");
    }

    @Test
    void theSecretIsKeptForItsOwnerAloneAndShowsOnNoCommandLine() throws Exception {
        Path secretFile = CLUSTER.clusterDir().resolve("secret");
        assertEquals(CLUSTER.secret(), Files.readString(secretFile));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(secretFile));
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(CLUSTER.dir().toString()))).isNotEmpty().noneMatch(c -> c.contains(CLUSTER.secret()));
    }

    @Test
    @Order(1)
    void theLauncherUsersMeetFirstRunsTheWholePipelineOnTwoExecutorsWithTheClustersSecret() throws Exception {
        Result pipeline = finish(ClusterProcesses.start(List.of("bin/emnistnet", "pipeline", "--master", CLUSTER.master(),
                "--cluster-dir", CLUSTER.clusterDir().toString(), "--work", work().toString(), "--epochs", "2", "--limit", "2000",
                "--batch", "64", "--workers", "2"), log("cli-pipeline"), Map.of()), log("cli-pipeline"), 900);
        assertEquals(0, pipeline.code(), pipeline.output());
        assertThat(pipeline.output()).contains("ingest: {train=60000, test=10000}").contains("train: epoch 2/2")
                .contains("2 workers").contains("score: 10000 of 10000 scored").contains("report: ").doesNotContain("SaslException");
        // 2 epochs of 2,000 images in minibatches of 64 on 2 workers averaging every 5 (62 steps). In minibatches of
        // 256 (16 steps) it ended anywhere from 0.12 to 0.37: too few steps to be sure it learns.
        assertThat(JobOutput.accuracyIn(pipeline.output())).as("test accuracy").isGreaterThan(0.2);
        assertEquals(10, TrainedModel.load(work().resolve("run/model.zip").toString()).classNames().size());
        assertTrue(Files.isRegularFile(work().resolve("report/metrics.json")));
        // both workers ran executors (separate JVMs) for the application
        for (String worker : new String[]{"worker-1", "worker-2"}) {
            try (var apps = Files.list(CLUSTER.clusterDir().resolve(worker))) {
                assertTrue(apps.findAny().isPresent(), worker + " ran executors");
            }
        }
    }

    @Test
    @Order(2)
    void aJobThroughSparkSubmitWithTheApplicationJarScoresOnTheExecutors() throws Exception {
        Path scores = CLUSTER.dir().resolve("submitted-scores"); // the model and data of the pipeline above
        Result score = CLUSTER.submit("ScoreJob", true, "--model", work().resolve("run/model.zip").toString(),
                "--in", work().resolve("prepared").toString(), "--out", scores.toString());
        assertEquals(0, score.code(), score.output());
        assertThat(score.output()).contains("10000 inputs, 10000 scored");
        assertTrue(Files.isRegularFile(scores.resolve("_summary.json")));
        // the secret's copy each submission made (mode 600) goes when its driver ends
        waitFor(() -> CLUSTER.secretCopies().findAny().isEmpty(), 10, "no submit-*.properties left in the cluster folder");
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
