package org.emnistnet.jobs;

import org.emnistnet.jobs.ClusterProcesses.Result;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.emnistnet.jobs.ClusterProcesses.appJar;
import static org.emnistnet.jobs.ClusterProcesses.finish;
import static org.emnistnet.jobs.ClusterProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * One real Spark standalone cluster on 127.0.0.1 for every test class of a test JVM that registers this extension
 * (bin/cluster: a master and two workers, one 1-core executor JVM each, authentication on), stopped when the JVM's
 * tests end; and one Fashion-MNIST lake ingested and prepared on it through spark-submit, made by the first class
 * that asks for it. Starting a cluster and ingesting 70,000 images once instead of once per class is most of what
 * the cluster tests used to spend.
 */
final class StandaloneCluster implements BeforeAllCallback {
    private Running running;

    @Override
    public void beforeAll(ExtensionContext context) {
        running = context.getRoot().getStore(ExtensionContext.Namespace.create(StandaloneCluster.class))
                .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class);
    }

    Path dir() {
        return running.dir;
    }

    String master() {
        return running.master;
    }

    String secret() {
        return running.secret;
    }

    Path clusterDir() {
        return running.dir.resolve("cluster");
    }

    /** raw/ and prepared/ of the whole Fashion-MNIST, ingested and prepared by spark-submit on this cluster. */
    synchronized Path lake() throws Exception {
        Path lake = running.dir.resolve("lake");
        if (!Files.exists(lake.resolve("prepared/_manifest.json"))) {
            Result ingest = submit("IngestJob", true, "--dataset", "fashion-mnist", "--out", lake.resolve("raw").toString());
            assertEquals(0, ingest.code(), ingest.output());
            Result prepare = submit("PrepareJob", true, "--in", lake.resolve("raw").toString(), "--out", lake.resolve("prepared").toString());
            assertEquals(0, prepare.code(), prepare.output());
        }
        return lake;
    }

    /** spark-submit of {@code job} with the application jar, to its end (at most 15 minutes). */
    Result submit(String job, boolean withSecret, String... args) throws Exception {
        Process process = start(job, List.of(args), withSecret);
        return finish(process, driverLog(process), 900);
    }

    Process start(String job, List<String> args) throws IOException {
        return start(job, args, true);
    }

    /** spark-submit of {@code job}, its output in {@link #driverLog}; with the secret from the cluster's file, or none. */
    Process start(String job, List<String> args, boolean withSecret) throws IOException {
        List<String> command = new ArrayList<>(List.of("bin/submit"));
        if (withSecret) {
            command.addAll(List.of("--cluster-dir", clusterDir().toString()));
        }
        command.addAll(List.of("--master", master(), "--properties-file", "conf/spark-defaults.cluster.conf",
                "--conf", "spark.executor.memory=1500m", "--conf", "spark.executor.memoryOverhead=1g"));
        command.addAll(List.of("--class", "org.emnistnet.jobs." + job, appJar()));
        command.addAll(args);
        Path log = Files.createTempFile(running.dir, job, ".log");
        Process process = ClusterProcesses.start(command, log, Map.of());
        running.logs.put(process, log);
        return process;
    }

    Path driverLog(Process process) {
        return running.logs.get(process);
    }

    /** The executor JVMs the workers run now. */
    List<ProcessHandle> executors() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains("CoarseGrainedExecutorBackend") && c.contains(clusterDir().toString())).orElse(false)).toList();
    }

    /** The copies of the secret that running submissions hold (mode 600, removed when their driver ends). */
    Stream<Path> secretCopies() throws IOException {
        try (var files = Files.list(clusterDir())) {
            return files.filter(file -> file.getFileName().toString().matches("submit-\\d+\\.properties")).toList().stream();
        }
    }

    private record Running(Path dir, String master, String secret, Map<Process, Path> logs)
            implements ExtensionContext.Store.CloseableResource {
        static Running start() {
            try {
                Path dir = Files.createTempDirectory("emnistnet-cluster-it");
                int port;
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = socket.getLocalPort();
                }
                String secret = "it-secret-" + System.nanoTime();
                Result started = run(List.of("bin/cluster", "start", "--owner", Long.toString(ProcessHandle.current().pid()),
                        "--workers", "2", "--cores", "1", "--memory", "3g", "--port", Integer.toString(port), "--secret", secret,
                        "--dir", dir.resolve("cluster").toString()), 180);
                assertEquals(0, started.code(), started.output());
                return new Running(dir, "spark://127.0.0.1:" + port, secret, new ConcurrentHashMap<>());
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the standalone cluster", e);
            }
        }

        @Override
        public void close() throws Exception {
            Result stopped = run(List.of("bin/cluster", "stop", "--dir", dir.resolve("cluster").toString()), 120);
            assertEquals(0, stopped.code(), stopped.output());
            assertNotEquals(0, run(List.of("bin/cluster", "status", "--dir", dir.resolve("cluster").toString()), 30).code(),
                    "status reports the cluster stopped");
            // each application leaves a copy of the 170 MB application jar per worker: ~4 GB per test run in /tmp
            org.apache.hadoop.fs.FileUtil.fullyDelete(dir.toFile());
        }
    }
}
