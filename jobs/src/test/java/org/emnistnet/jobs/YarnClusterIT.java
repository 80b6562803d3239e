package org.emnistnet.jobs;

import org.emnistnet.jobs.ClusterProcesses.Result;

import static org.emnistnet.jobs.ClusterProcesses.appJar;
import static org.emnistnet.jobs.ClusterProcesses.concat;
import static org.emnistnet.jobs.ClusterProcesses.finish;
import static org.emnistnet.jobs.ClusterProcesses.run;
import static org.emnistnet.jobs.ClusterProcesses.waitFor;

import org.junit.jupiter.api.Tag;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.SameRun;
import org.emnistnet.artifact.TrainingHistory;
import org.emnistnet.artifact.Sha256;
import org.emnistnet.model.TrainedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs in YARN's cluster deploy mode (the driver inside the ApplicationMaster), submitted with bin/submit and the
 * application jar to a real single-node YARN with its own HDFS that bin/yarn starts (ResourceManager, NodeManager,
 * NameNode, DataNode on 127.0.0.1; every container a real JVM). Data, runs and scores live on that HDFS. Each
 * application is checked with YARN's own client: its final state, its status and how many attempts it took.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("cluster")
@Tag("yarn") // not in `mvn -B verify`: `mvn -B verify -P yarn-and-faults` (pom.xml)
class YarnClusterIT {
    /** The settings of both training runs: the killed one must end where the uninterrupted one did. */
    private static final List<String> TRAINING = List.of("--limit", "2000", "--workers", "2");
    private static Path dir;
    private static Path confDir;
    private static URI hdfs;
    private static YarnClient yarn;

    @BeforeAll
    static void startYarn() throws Exception {
        dir = Files.createTempDirectory("emnistnet-yarn-it");
        Result started = run(List.of("bin/yarn", "start", "--owner", Long.toString(ProcessHandle.current().pid()), "--dir", dir.resolve("yarn").toString(), "--memory-mb", "12288"), 300);
        assertEquals(0, started.code(), started.output());
        confDir = dir.resolve("yarn/conf");
        assertThat(started.output()).contains("export HADOOP_CONF_DIR=" + confDir);
        hdfs = URI.create(Files.readString(dir.resolve("yarn/url")).trim());
        YarnConfiguration conf = new YarnConfiguration();
        conf.addResource(new org.apache.hadoop.fs.Path(confDir.resolve("yarn-site.xml").toUri()));
        yarn = YarnClient.createYarnClient();
        yarn.init(conf);
        yarn.start();
        Result status = run(List.of("bin/yarn", "status", "--dir", dir.resolve("yarn").toString()), 30);
        assertEquals(0, status.code(), status.output());
        assertThat(status.output()).contains("resourcemanager: 127.0.0.1:");
    }

    @AfterAll
    static void stopYarn() throws Exception {
        if (yarn != null) {
            yarn.stop();
        }
        Result stopped = run(List.of("bin/yarn", "stop", "--dir", dir.resolve("yarn").toString()), 120);
        assertEquals(0, stopped.code(), stopped.output());
        assertFalse(run(List.of("bin/yarn", "status", "--dir", dir.resolve("yarn").toString()), 30).code() == 0, "status reports it stopped");
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(dir.toString()))).as("processes left from the YARN folder").isEmpty();
        org.apache.hadoop.fs.FileUtil.fullyDelete(dir.toFile());
    }

    @Test
    @Order(1)
    void theWholePipelineRunsAsOneApplicationInClusterDeployModeSucceedingInOneAttempt() throws Exception {
        // One application, as a YARN user runs it: ingest -> prepare -> train -> score -> evaluate inside the
        // ApplicationMaster, whose default filesystem is HDFS (local files are file://). The jobs one by one go through
        // spark-submit on the standalone cluster (StandaloneClusterIT); one application here instead of five saves
        // four ApplicationMasters and eight executor JVMs (~2 minutes of the test run).
        Result pipeline = succeeds("PipelineJob", concat(TRAINING, "--data", "file:///usr/share/datasets/fashion-mnist",
                "--work", "/work", "--epochs", "3"));
        assertThat(pipeline.output()).contains("ingest: {train=60000, test=10000}").contains("train: epoch 3/3")
                .contains("2 workers").contains("score: 10000 of 10000 scored").contains("report: ");

        try (FileSystem fs = fileSystem()) {
            for (String file : new String[]{"model.zip", "model.onnx"}) { // each with the SHA-256 of its bytes beside it
                byte[] bytes = read(fs, "/work/run/" + file);
                assertThat(new String(read(fs, "/work/run/" + file + ".sha256"), StandardCharsets.UTF_8)).startsWith(Sha256.of(bytes));
            }
            assertTrue(fs.isFile(new org.apache.hadoop.fs.Path("/work/run/model.json")));
            assertEquals(3, history(fs, "/work/run").size());
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/work/run/staging")), "staged minibatches removed");
            assertTrue(fs.isFile(new org.apache.hadoop.fs.Path("/work/report/metrics.json")));
        }
        TrainedModel model = TrainedModel.load(hdfs + "/work/run/model.zip");
        assertEquals(10, model.classNames().size());
        // far above chance (0.1) after 3 epochs on 2,000 images (0.51 measured; the local default reaches ~0.7 there)
        Matcher accuracy = Pattern.compile("test_accuracy (0\\.\\d+)").matcher(pipeline.output());
        assertTrue(accuracy.find(), pipeline.output());
        assertThat(Double.parseDouble(accuracy.group(1))).isGreaterThan(0.35);
    }

    @Test
    @Order(2)
    void anApplicationMasterKilledMidTrainingIsRetriedAndTheRetryResumesFromTheLastHdfsCheckpoint() throws Exception {
        Path log = dir.resolve("killed-train.log");
        Set<ApplicationId> before = applications();
        Process driver = start("TrainJob", concat(TRAINING, "--in", "/work/prepared", "--run", "/runs/killed", "--epochs", "3"), log);
        String application;
        try (FileSystem fs = fileSystem()) {
            // history.json appears with epoch 1's line, written after its checkpoint: killed between the two (the
            // checkpoint's sidecar alone, as this waited for before), attempt 2 rightly trains epoch 1 again
            waitFor(() -> fs.exists(new org.apache.hadoop.fs.Path("/runs/killed/history.json")), 400,
                    "epoch 1's checkpoint and history line on HDFS");
            application = newApplication(before).toString();
            ProcessHandle applicationMaster = ProcessHandle.allProcesses() // its JVM, not the shell that started it
                    .filter(p -> p.info().command().orElse("").endsWith("/java"))
                    .filter(p -> p.info().commandLine().orElse("").contains("org.apache.spark.deploy.yarn.ApplicationMaster"))
                    .filter(p -> p.info().commandLine().orElse("").contains(application))
                    .findFirst().orElseThrow(() -> new AssertionError("no ApplicationMaster JVM of " + application));
            assertTrue(applicationMaster.destroyForcibly(), "kill -9 of the ApplicationMaster (the driver) mid-training");
        }
        assertTrue(driver.waitFor(900, TimeUnit.SECONDS), "spark-submit follows the application to its end");
        Result result = finish(driver, log, 0);
        assertEquals(0, result.code(), result.output());
        ApplicationId id = ApplicationId.fromString(application);
        assertEquals(FinalApplicationStatus.SUCCEEDED, yarn.getApplicationReport(id).getFinalApplicationStatus());
        assertEquals(2, yarn.getApplicationAttempts(id).size(), "attempt 2 after the kill, no more");

        try (FileSystem fs = fileSystem()) {
            List<EpochRecord> resumed = history(fs, "/runs/killed");
            assertEquals(3, resumed.size());
            SameRun.assertSameHistory(history(fs, "/work/run"), resumed); // as TrainingRunTest's local resume
            assertTrue(fs.isFile(new org.apache.hadoop.fs.Path("/runs/killed/model.json")));
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/killed/_lock.json")), "the lock is released at the end");
        }
        // attempt 2 resumed after epoch 1 (its driver log is in YARN's container logs, not spark-submit's output)
        assertThat(containerLogs(application, 2)).contains("continuing the run an earlier attempt started")
                .contains("resuming after epoch 1");
    }

    @Test
    @Order(3)
    void aUsageErrorEndsTheApplicationFailedInOneAttemptWithItsMessageAsDiagnostics() throws Exception {
        Set<ApplicationId> before = applications();
        Result failed = submit("TrainJob", concat(TRAINING, "--in", "/work/prepared", "--run", "/runs/never", "--epochs", "0"));
        assertThat(failed.code()).isNotZero();
        ApplicationId id = newApplication(before);
        ApplicationReport report = yarn.getApplicationReport(id);
        assertEquals(YarnApplicationState.FINISHED, report.getYarnApplicationState(), report.getDiagnostics());
        assertEquals(FinalApplicationStatus.FAILED, report.getFinalApplicationStatus());
        assertEquals(1, yarn.getApplicationAttempts(id).size(), "a usage error is not retried: it would fail the same way");
        assertThat(report.getDiagnostics()).contains("--epochs").contains("exit code 2");
    }

    /**
     * Checks that the application of {@code submitted} SUCCEEDED in one attempt; returns spark-submit's output followed
     * by what the application's containers printed (in cluster mode the driver's output is the ApplicationMaster's
     * container log, not spark-submit's).
     */
    private static Result succeeds(String job, String... args) throws Exception {
        Set<ApplicationId> before = applications();
        Result submitted = submit(job, args);
        assertEquals(0, submitted.code(), submitted.output());
        ApplicationId id = newApplication(before);
        String application = id.toString();
        ApplicationReport report = yarn.getApplicationReport(id);
        assertEquals(YarnApplicationState.FINISHED, report.getYarnApplicationState());
        assertEquals(FinalApplicationStatus.SUCCEEDED, report.getFinalApplicationStatus(), report.getDiagnostics());
        assertEquals(1, yarn.getApplicationAttempts(id).size(), "one attempt: " + id);
        return new Result(submitted.code(), submitted.output() + containerLogs(application, 1));
    }

    private static Set<ApplicationId> applications() throws Exception {
        return yarn.getApplications().stream().map(ApplicationReport::getApplicationId).collect(Collectors.toSet());
    }

    /** The one application submitted since {@code before} was taken. */
    private static ApplicationId newApplication(Set<ApplicationId> before) throws Exception {
        Set<ApplicationId> added = applications();
        added.removeAll(before);
        assertEquals(1, added.size(), "applications submitted: " + added);
        return added.iterator().next();
    }

    /** What the containers of {@code attempt} of {@code application} wrote (the NodeManager's log folders). */
    private static String containerLogs(String application, int attempt) throws IOException {
        String attemptPart = String.format("_%02d_", attempt); // container_<cluster>_<app>_<attempt>_<n>
        StringBuilder logs = new StringBuilder();
        try (var files = Files.walk(dir.resolve("yarn/target"))) {
            for (Path file : files.filter(p -> p.toString().contains("-logDir-") && p.toString().contains(application))
                    .filter(p -> p.getFileName().toString().matches("stdout|stderr"))
                    .filter(p -> p.getParent().getFileName().toString().contains(attemptPart)).toList()) {
                logs.append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        return logs.toString();
    }

    private static List<EpochRecord> history(FileSystem fs, String run) throws IOException {
        return TrainingHistory.read(fs.makeQualified(new org.apache.hadoop.fs.Path(run + "/history.json")));
    }

    private static byte[] read(FileSystem fs, String path) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
            return in.readAllBytes();
        }
    }

    private static FileSystem fileSystem() throws IOException {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        conf.setBoolean("fs.hdfs.impl.disable.cache", true);
        return FileSystem.get(hdfs, conf);
    }

    private static Result submit(String job, String... args) throws Exception {
        Path log = Files.createTempFile(dir, job, ".log");
        return finish(start(job, args, log), log, 900);
    }

    private static Process start(String job, String[] args, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("bin/submit", "--master", "yarn", "--deploy-mode", "cluster",
                "--properties-file", "conf/spark-defaults.cluster.conf", "--driver-memory", "2g",
                "--num-executors", "2", "--executor-cores", "1",
                "--conf", "spark.executor.memory=1500m", "--conf", "spark.executor.memoryOverhead=1g",
                "--class", "org.emnistnet.jobs." + job, appJar()));
        command.addAll(List.of(args));
        return ClusterProcesses.start(command, log, java.util.Map.of("HADOOP_CONF_DIR", confDir.toString()));
    }
}
