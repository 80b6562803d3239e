package org.emnistnet.jobs;

import org.junit.jupiter.api.Tag;
import org.apache.hadoop.fs.FileSystem;
import org.emnistnet.hdfs.HdfsExtension;
import org.emnistnet.model.TrainedModel;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.TrainingHistory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs through spark-submit with the application jar, on a real Spark standalone cluster on 127.0.0.1 that
 * the test starts itself (bin/cluster: a master and two workers, one executor JVM each), with authentication on,
 * and a real HDFS (NameNode + 2 DataNodes on 127.0.0.1) for the runs whose data and artifacts live there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("cluster")
class StandaloneClusterIT {
    @RegisterExtension
    static final HdfsExtension HDFS = new HdfsExtension();
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String SECRET = "it-secret-" + System.nanoTime();
    private static Path dir;
    private static String master;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory("emnistnet-cluster-it");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Result started = run(List.of("bin/cluster", "start", "--owner", Long.toString(ProcessHandle.current().pid()), "--workers", "2", "--cores", "1", "--memory", "3g",
                "--port", Integer.toString(port), "--secret", SECRET, "--dir", dir.resolve("cluster").toString()), 180);
        assertEquals(0, started.code, started.output);
        master = "spark://127.0.0.1:" + port;
        // the secret is kept for its owner alone and shows on no command line
        Path secretFile = dir.resolve("cluster/secret");
        assertEquals(SECRET, Files.readString(secretFile));
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(secretFile));
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(dir.toString()))).isNotEmpty().noneMatch(c -> c.contains(SECRET));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Result stopped = run(List.of("bin/cluster", "stop", "--dir", dir.resolve("cluster").toString()), 120);
        assertEquals(0, stopped.code, stopped.output);
        assertFalse(run(List.of("bin/cluster", "status", "--dir", dir.resolve("cluster").toString()), 30).code == 0,
                "status reports the cluster stopped");
        // each application leaves a copy of the 170 MB application jar per worker: ~4 GB per test run in /tmp
        org.apache.hadoop.fs.FileUtil.fullyDelete(dir.toFile());
    }

    @Test
    @Order(1)
    void theWholePipelineRunsThroughSparkSubmitOnTwoExecutors() throws Exception {
        Path lake = dir.resolve("lake");
        assertEquals(0, submit("IngestJob", true, "--dataset", "fashion-mnist", "--out", lake.resolve("raw").toString()).code);
        assertEquals(0, submit("PrepareJob", true, "--in", lake.resolve("raw").toString(), "--out", lake.resolve("prepared").toString()).code);
        Result train = submit("TrainJob", true, "--in", lake.resolve("prepared").toString(), "--run", dir.resolve("run").toString(),
                "--epochs", "2", "--limit", "2000", "--workers", "2");
        assertEquals(0, train.code, train.output);
        assertThat(train.output).contains("train: epoch 2/2");
        TrainedModel model = TrainedModel.load(dir.resolve("run/model.zip").toString());
        assertEquals(10, model.classNames().size());
        Result score = submit("ScoreJob", true, "--model", dir.resolve("run/model.zip").toString(), "--in", lake.resolve("prepared").toString(),
                "--out", dir.resolve("scores").toString());
        assertEquals(0, score.code, score.output);
        Result evaluate = submit("EvaluateJob", true, "--predictions", dir.resolve("scores").toString(), "--labels",
                lake.resolve("prepared").toString(), "--out", dir.resolve("report").toString(), "--run", dir.resolve("run").toString());
        assertEquals(0, evaluate.code, evaluate.output);
        assertTrue(Files.isRegularFile(dir.resolve("report/metrics.json")));
        // the secret's copy each submission made (mode 600) goes when its driver ends
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (secretCopies().findAny().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(secretCopies()).as("submit-*.properties left in the cluster folder").isEmpty();
        // both workers ran executors (separate JVMs) for the training application
        for (String worker : new String[]{"worker-1", "worker-2"}) {
            try (var apps = Files.list(dir.resolve("cluster").resolve(worker))) {
                assertTrue(apps.findAny().isPresent(), worker + " ran executors");
            }
        }
    }

    @Test
    @Order(2)
    void theLauncherUsersMeetFirstRunsAJobOnTheProjectsClusterWithItsClusterDir() throws Exception {
        Path log = Files.createTempFile(dir, "cli-ingest", ".log");
        Process process = new ProcessBuilder("bin/emnistnet", "ingest", "--dataset", "fashion-mnist", "--master", master,
                "--cluster-dir", dir.resolve("cluster").toString(), "--out", dir.resolve("cli-raw").toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(300, TimeUnit.SECONDS));
        Result ingest = new Result(process.exitValue(), Files.readString(log));
        assertEquals(0, ingest.code, ingest.output);
        assertTrue(Files.isRegularFile(dir.resolve("cli-raw/_manifest.json")));
        assertThat(ingest.output).doesNotContain("SaslException");
    }

    @Test
    @Order(2)
    void aJobWithoutTheSharedSecretIsRefusedSayingSo() throws Exception {
        Result refused = submit("IngestJob", false, "--dataset", "fashion-mnist", "--out", dir.resolve("refused").toString());
        assertEquals(JobRunner.FAILED, refused.code, refused.output);
        assertThat(refused.output).contains("this application has no secret");
        assertFalse(Files.exists(dir.resolve("refused")));
    }

    @Test
    @Order(2)
    void aJobWithAWrongSecretIsRefusedAtOnceSayingSo() throws Exception {
        long started = System.nanoTime();
        Process process = new ProcessBuilder("bin/submit", "--master", master, "--properties-file", "conf/spark-defaults.cluster.conf",
                "--conf", "spark.authenticate.secret=not-" + SECRET, "--class", "org.emnistnet.jobs.IngestJob", appJar(),
                "--dataset", "fashion-mnist", "--out", dir.resolve("wrong-secret").toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(JobRunner.FAILED, process.exitValue(), output);
        assertThat(output).contains("refused this application's secret");
        // Spark alone gives up after 3 registration attempts 20 s apart, saying only "All masters are unresponsive"
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(50));
        assertFalse(Files.exists(dir.resolve("wrong-secret")));
    }

    @Test
    @Order(3)
    void trainingSurvivesALostExecutorAndAKilledDriverResumes() throws Exception {
        Path prepared = dir.resolve("lake/prepared");
        Path run = dir.resolve("fault-run");
        List<String> train = List.of("--in", prepared.toString(), "--run", run.toString(), "--epochs", "3", "--limit", "3000", "--workers", "2");

        Process driver = start("TrainJob", train);
        waitForFile(run.resolve("checkpoints/epoch-01.zip.sha256"), 300);
        ProcessHandle executor = executors().get(0);
        executor.destroyForcibly();                      // an executor JVM dies in the middle of epoch 2
        assertTrue(executor.onExit().get(30, TimeUnit.SECONDS).isAlive() == false);
        // Both the checkpoint and the history line of epoch 2: killed between the two, the driver would rightly
        // resume after epoch 1.
        waitForLocalHistory(run.resolve("history.json"), 2, 400);
        driver.destroyForcibly().waitFor();              // then the driver dies during epoch 3
        String log = Files.readString(driverLog(driver));
        assertThat(log).containsIgnoringCase("lost executor");
        assertFalse(Files.exists(run.resolve("model.zip")));

        List<String> resume = new ArrayList<>(train);
        resume.add("--resume");
        Result resumed = submit("TrainJob", true, resume.toArray(new String[0]));
        assertEquals(0, resumed.code, resumed.output);
        assertThat(resumed.output).contains("resuming after epoch 2").contains("train: epoch 3/3");
        List<EpochRecord> history = TrainingHistory.read(new org.apache.hadoop.fs.Path(run.resolve("history.json").toUri()));
        assertEquals(List.of(1, 2, 3), history.stream().map(EpochRecord::epoch).toList());
        TrainedModel.load(run.resolve("model.zip").toString());
    }

    @Test
    @Order(4)
    void onHdfsTrainingStagesInTheRunDirectoryAndAKilledDriverResumesFromItsHdfsCheckpoint() throws Exception {
        String prepared = HDFS.url("/lake/prepared");
        assertEquals(0, submit("PrepareJob", true, "--in", dir.resolve("lake/raw").toString(), "--out", prepared).code);
        String run = HDFS.url("/runs/cluster");
        List<String> train = List.of("--in", prepared, "--run", run, "--epochs", "3", "--limit", "3000", "--workers", "2");

        Process driver = start("TrainJob", train);
        // history.json appears with epoch 1's line, written after its checkpoint (see the local test above).
        waitForHdfsFile("/runs/cluster/history.json", 300);
        driver.destroyForcibly().waitFor();              // the driver dies during epoch 2
        assertThat(Files.readString(driverLog(driver)))
                .contains("cluster: staging minibatches in the run directory on a shared filesystem");
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/cluster/model.zip")));
        }

        List<String> resume = new ArrayList<>(train);
        resume.add("--resume");
        Result resumed = submit("TrainJob", true, resume.toArray(new String[0]));
        assertEquals(0, resumed.code, resumed.output);
        assertThat(resumed.output).contains("resuming after epoch 1").contains("train: epoch 3/3");
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            List<?> history = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue((java.io.InputStream) fs.open(new org.apache.hadoop.fs.Path("/runs/cluster/history.json")), List.class);
            assertEquals(3, history.size());
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/cluster/staging")), "staging is removed at the end");
        }
        TrainedModel.load(run + "/model.zip");
    }

    @Test
    @Order(5)
    void aScoreKilledBeforeItPublishesLeavesNothingThatLooksCompleteOnHdfs() throws Exception {
        String out = HDFS.url("/scores/killed");
        Process score = start("ScoreJob", List.of("--model", HDFS.url("/runs/cluster/model.zip"), "--in", HDFS.url("/lake/prepared"),
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
        Result again = submit("ScoreJob", true, "--model", HDFS.url("/runs/cluster/model.zip"), "--in", HDFS.url("/lake/prepared"),
                "--out", out);
        assertEquals(0, again.code, again.output);
        assertThat(again.output).contains("10000 inputs, 10000 scored");
    }

    private static void waitForHdfsFile(String path, int seconds) throws Exception {
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            for (int i = 0; i < seconds && !fs.exists(new org.apache.hadoop.fs.Path(path)); i++) {
                Thread.sleep(1000);
            }
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(path)), "waited " + seconds + " s for " + path);
        }
    }

    private static List<ProcessHandle> executors() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")
                        && c.contains(dir.resolve("cluster").toString())).orElse(false))
                .toList();
    }

    /** Waits until the history (written whole by a rename, never partly) records {@code epochs} epochs. */
    private static void waitForLocalHistory(Path history, int epochs, int seconds) throws Exception {
        for (int i = 0; i < seconds && epochsIn(history) < epochs; i++) {
            Thread.sleep(1000);
        }
        assertTrue(epochsIn(history) >= epochs, "waited " + seconds + " s for " + epochs + " epochs in " + history);
    }

    private static int epochsIn(Path history) throws java.io.IOException {
        return Files.exists(history) ? new com.fasterxml.jackson.databind.ObjectMapper().readValue(history.toFile(), List.class).size() : 0;
    }

    private static void waitForFile(Path file, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds && !Files.exists(file); i++) {
            Thread.sleep(1000);
        }
        assertTrue(Files.exists(file), "waited " + seconds + " s for " + file);
    }

    private static java.util.stream.Stream<Path> secretCopies() throws IOException {
        try (var files = Files.list(dir.resolve("cluster"))) {
            return files.filter(file -> file.getFileName().toString().matches("submit-\\d+\\.properties")).toList().stream();
        }
    }

    private static Result submit(String job, boolean withSecret, String... args) throws Exception {
        Process process = start(job, List.of(args), withSecret);
        return finish(process, 900);
    }

    private static Process start(String job, List<String> args) throws IOException {
        return start(job, args, true);
    }

    private static Process start(String job, List<String> args, boolean withSecret) throws IOException {
        List<String> command = new ArrayList<>(List.of("bin/submit"));
        if (withSecret) { // from the cluster's secret file, in the environment
            command.addAll(List.of("--cluster-dir", dir.resolve("cluster").toString()));
        }
        command.addAll(List.of("--master", master, "--properties-file", "conf/spark-defaults.cluster.conf",
                "--conf", "spark.executor.memory=1500m", "--conf", "spark.executor.memoryOverhead=1g"));
        command.addAll(List.of("--class", "org.emnistnet.jobs." + job, appJar()));
        command.addAll(args);
        Path log = Files.createTempFile(dir, job, ".log");
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LOGS.put(process, log);
        return process;
    }

    /** Driver output goes to a file: a pipe nobody reads would block a long-running driver. */
    private static final java.util.Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path driverLog(Process process) {
        return LOGS.get(process);
    }

    private static String appJar() throws IOException {
        try (var jars = Files.list(ROOT.resolve("jobs/target"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith("emnistnet-app-")).findFirst().orElseThrow().toString();
        }
    }

    private static Result run(List<String> command, int seconds) throws Exception {
        return finish(new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start(), seconds);
    }

    private static Result finish(Process process, int seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Path log = LOGS.get(process);
        return new Result(process.exitValue(), log != null ? Files.readString(log) : new String(process.getInputStream().readAllBytes()));
    }

    record Result(int code, String output) {
    }
}
