package org.emnistnet.jobs;

import org.apache.hadoop.fs.FileSystem;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.TrainingHistory;
import org.emnistnet.hdfs.HdfsExtension;
import org.emnistnet.jobs.ClusterProcesses.Result;
import org.emnistnet.model.TrainedModel;
import org.junit.jupiter.api.Tag;
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
 * Faults on the real standalone cluster ({@link StandaloneCluster}, shared with {@link StandaloneClusterIT}): an
 * executor JVM killed, a driver killed and resumed (on a local run directory and on a real HDFS), a score killed
 * before it publishes.
 */
@Tag("cluster")
class StandaloneClusterFaultsIT {
    @RegisterExtension
    static final StandaloneCluster CLUSTER = new StandaloneCluster();
    @RegisterExtension
    static final HdfsExtension HDFS = new HdfsExtension();
    /** Images per epoch: enough for an epoch to outlast the kills' timing, few enough to keep the tests short. */
    private static final String LIMIT = "2000";

    @Test
    void trainingSurvivesALostExecutorAndAKilledDriverResumes() throws Exception {
        Path prepared = CLUSTER.lake().resolve("prepared");
        Path run = CLUSTER.dir().resolve("fault-run");
        List<String> train = List.of("--in", prepared.toString(), "--run", run.toString(), "--epochs", "3", "--limit", LIMIT, "--workers", "2");

        Process driver = CLUSTER.start("TrainJob", train);
        waitFor(() -> Files.exists(run.resolve("checkpoints/epoch-01.zip.sha256")), 300, "epoch 1's checkpoint");
        ProcessHandle executor = CLUSTER.executors().get(0);
        executor.destroyForcibly();                      // an executor JVM dies in the middle of epoch 2
        assertTrue(executor.onExit().get(30, TimeUnit.SECONDS).isAlive() == false);
        // Both the checkpoint and the history line of epoch 2: killed between the two, the driver would rightly
        // resume after epoch 1.
        // (history.json is written whole by a rename, never partly)
        waitFor(() -> epochsIn(run.resolve("history.json")) >= 2, 400, "2 epochs in " + run.resolve("history.json"));
        driver.destroyForcibly().waitFor();              // then the driver dies during epoch 3
        String log = Files.readString(CLUSTER.driverLog(driver));
        assertThat(log).containsIgnoringCase("lost executor");
        assertFalse(Files.exists(run.resolve("model.zip")));

        List<String> resume = new ArrayList<>(train);
        resume.add("--resume");
        Result resumed = CLUSTER.submit("TrainJob", true, resume.toArray(new String[0]));
        assertEquals(0, resumed.code(), resumed.output());
        assertThat(resumed.output()).contains("resuming after epoch 2").contains("train: epoch 3/3");
        List<EpochRecord> history = TrainingHistory.read(new org.apache.hadoop.fs.Path(run.resolve("history.json").toUri()));
        assertEquals(List.of(1, 2, 3), history.stream().map(EpochRecord::epoch).toList());
        TrainedModel.load(run.resolve("model.zip").toString());
    }

    @Test
    void onHdfsTrainingStagesInTheRunDirectoryAndAKilledDriverResumesFromItsHdfsCheckpoint() throws Exception {
        String prepared = HDFS.url("/lake/prepared");
        try (FileSystem fs = HDFS.hdfs().fileSystem()) { // prepare itself ran through spark-submit in the first test
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(CLUSTER.lake().resolve("prepared").toUri()), new org.apache.hadoop.fs.Path("/lake/prepared"));
        }
        String run = HDFS.url("/runs/cluster");
        List<String> train = List.of("--in", prepared, "--run", run, "--epochs", "3", "--limit", LIMIT, "--workers", "2");

        Process driver = CLUSTER.start("TrainJob", train);
        // history.json appears with epoch 1's line, written after its checkpoint (see the local test above).
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            waitFor(() -> fs.exists(new org.apache.hadoop.fs.Path("/runs/cluster/history.json")), 300, "/runs/cluster/history.json");
        }
        driver.destroyForcibly().waitFor();              // the driver dies during epoch 2
        assertThat(Files.readString(CLUSTER.driverLog(driver)))
                .contains("cluster: staging minibatches in the run directory on a shared filesystem");
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/cluster/model.zip")));
        }

        List<String> resume = new ArrayList<>(train);
        resume.add("--resume");
        Result resumed = CLUSTER.submit("TrainJob", true, resume.toArray(new String[0]));
        assertEquals(0, resumed.code(), resumed.output());
        assertThat(resumed.output()).contains("resuming after epoch 1").contains("train: epoch 3/3");
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            List<?> history = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue((java.io.InputStream) fs.open(new org.apache.hadoop.fs.Path("/runs/cluster/history.json")), List.class);
            assertEquals(3, history.size());
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/cluster/staging")), "staging is removed at the end");
        }
        TrainedModel.load(run + "/model.zip");
    }

    @Test
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

    private static int epochsIn(Path history) throws java.io.IOException {
        return Files.exists(history) ? new com.fasterxml.jackson.databind.ObjectMapper().readValue(history.toFile(), List.class).size() : 0;
    }
}
