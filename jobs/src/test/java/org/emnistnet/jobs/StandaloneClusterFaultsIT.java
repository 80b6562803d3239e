package org.emnistnet.jobs;

import org.apache.hadoop.fs.FileSystem;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.TrainingHistory;
import org.emnistnet.hdfs.HdfsExtension;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.emnistnet.jobs.ClusterProcesses.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on the real standalone cluster ({@link StandaloneCluster}, shared with {@link StandaloneClusterIT}) with its
 * data and runs on a real HDFS: an executor JVM killed, then the driver killed and resumed, in one training run; a
 * score killed before it publishes. (A cluster run on a local run directory: {@link StandaloneClusterIT}; a resume
 * from a local run directory: TrainingResumeTest.)
 */
@Tag("cluster")
@Tag("faults") // not in `mvn -B verify`: `mvn -B verify -P yarn-and-faults` (pom.xml)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterFaultsIT {
    @RegisterExtension
    static final StandaloneCluster CLUSTER = new StandaloneCluster();
    @RegisterExtension
    static final HdfsExtension HDFS = new HdfsExtension();
    /** Images per epoch: enough for an epoch to outlast the kills' timing, few enough to keep the tests short. */
    private static final String LIMIT = "2000";

    @Test
    @Order(1)
    void trainingOnHdfsSurvivesALostExecutorAndAKilledDriverResumesFromItsHdfsCheckpoint() throws Exception {
        String prepared = HDFS.url("/lake/prepared");
        try (FileSystem fs = HDFS.hdfs().fileSystem()) { // ingested and prepared through spark-submit on this cluster
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(CLUSTER.lake().resolve("prepared").toUri()), new org.apache.hadoop.fs.Path("/lake/prepared"));
        }
        String run = HDFS.url("/runs/cluster");
        List<String> train = List.of("--in", prepared, "--run", run, "--epochs", "3", "--limit", LIMIT, "--workers", "2");

        Process driver = CLUSTER.start("TrainJob", train);
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            waitFor(() -> fs.exists(new org.apache.hadoop.fs.Path("/runs/cluster/checkpoints/epoch-01.zip.sha256")), 300,
                    "epoch 1's checkpoint");
            ProcessHandle executor = CLUSTER.executors().get(0);
            executor.destroyForcibly();                  // an executor JVM dies in the middle of epoch 2
            assertFalse(executor.onExit().get(30, TimeUnit.SECONDS).isAlive());
            // Both the checkpoint and the history line of epoch 2: killed between the two, the driver would rightly
            // resume after epoch 1. (history.json is written whole by a rename, never partly.)
            waitFor(() -> epochsIn(fs) >= 2, 400, "2 epochs in /runs/cluster/history.json");
            driver.destroyForcibly().waitFor();          // then the driver dies during epoch 3
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/cluster/model.zip")));
        }
        assertThat(Files.readString(CLUSTER.driverLog(driver))).containsIgnoringCase("lost executor")
                .contains("cluster: staging minibatches in the run directory on a shared filesystem");

        List<String> resume = new ArrayList<>(train);
        resume.add("--resume");
        Result resumed = CLUSTER.submit("TrainJob", true, resume.toArray(new String[0]));
        assertEquals(0, resumed.code(), resumed.output());
        assertThat(resumed.output()).contains("resuming after epoch 2").contains("train: epoch 3/3");
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            List<EpochRecord> history = TrainingHistory.read(fs.makeQualified(new org.apache.hadoop.fs.Path("/runs/cluster/history.json")));
            assertEquals(List.of(1, 2, 3), history.stream().map(EpochRecord::epoch).toList());
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/cluster/staging")), "staging is removed at the end");
        }
        TrainedModel.load(run + "/model.zip");
    }

    @Test
    @Order(2)
    void aScoreKilledBeforeItPublishesLeavesNothingThatLooksCompleteOnHdfs() throws Exception {
        String out = HDFS.url("/scores/killed");
        Process score = CLUSTER.start("ScoreJob", List.of("--model", HDFS.url("/runs/cluster/model.zip"), "--in", HDFS.url("/lake/prepared"),
                "--split", "train", "--out", out));
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            org.apache.hadoop.fs.Path scores = new org.apache.hadoop.fs.Path("/scores");
            // the temporary output itself, not the short-lived write probe that precedes it
            for (int i = 0; i < 3000 && !(fs.exists(scores) && java.util.Arrays.stream(fs.listStatus(scores))
                    .anyMatch(s -> s.getPath().getName().contains("incomplete"))); i++) {
                Thread.sleep(100);
            }
            assertThat(fs.listStatus(scores)).as("the job's temporary output").isNotEmpty();
            score.destroyForcibly().waitFor();
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/scores/killed")), "no output under the final name");
            for (var left : fs.listStatus(scores)) {
                assertThat(left.getPath().getName()).contains("incomplete");
            }
        }
        Result again = CLUSTER.submit("ScoreJob", true, "--model", HDFS.url("/runs/cluster/model.zip"), "--in", HDFS.url("/lake/prepared"),
                "--out", out);
        assertEquals(0, again.code(), again.output());
        assertThat(again.output()).contains("10000 inputs, 10000 scored");
    }

    private static int epochsIn(FileSystem fs) throws java.io.IOException {
        org.apache.hadoop.fs.Path history = new org.apache.hadoop.fs.Path("/runs/cluster/history.json");
        return fs.exists(history) ? TrainingHistory.read(fs.makeQualified(history)).size() : 0;
    }
}
