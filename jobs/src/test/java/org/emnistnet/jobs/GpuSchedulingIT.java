package org.emnistnet.jobs;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Spark's GPU scheduling path, run for real on the CPU: a standalone worker announces two fake GPUs
 * (conf/fake-gpu-discovery.sh), an executor takes both, and two concurrent tasks must each receive a different
 * address, which our pinning code picks up (and, on the CPU backend, only logs).
 */
@Tag("cluster")
class GpuSchedulingIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void concurrentTasksReceiveDistinctGpuAddresses() throws Exception {
        Path dir = Files.createTempDirectory("emnistnet-gpu-it");
        String discovery = ROOT.resolve("conf/fake-gpu-discovery.sh").toString();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String clusterDir = dir.resolve("cluster").toString();
        try {
            assertEquals(0, run(List.of("bin/cluster", "start", "--owner", Long.toString(ProcessHandle.current().pid()), "--workers", "1", "--cores", "2", "--memory", "3g", "--port",
                    Integer.toString(port), "--gpus", "2", "--gpu-discovery", discovery, "--dir", clusterDir), dir.resolve("start.log")));
            Path log = dir.resolve("gpu-check.log");
            int code = run(List.of("bin/submit", "--cluster-dir", clusterDir, "--master", "spark://127.0.0.1:" + port,
                    "--conf", "spark.executor.cores=2", "--conf", "spark.executor.memory=1g",
                    "--conf", "spark.executor.resource.gpu.amount=2", "--conf", "spark.task.resource.gpu.amount=1",
                    "--conf", "spark.executor.resource.gpu.discoveryScript=" + discovery,
                    "--class", "org.emnistnet.jobs.GpuCheckJob", appJar(), "--tasks", "2"), log);
            String output = Files.readString(log);
            assertEquals(0, code, output);
            Matcher gpus = Pattern.compile("gpu-check: task \\d executor \\S+ gpu (\\S+) backend CPU").matcher(output);
            java.util.Set<String> addresses = new java.util.TreeSet<>();
            while (gpus.find()) {
                addresses.add(gpus.group(1));
            }
            assertEquals(java.util.Set.of("0", "1"), addresses, output);
        } finally {
            run(List.of("bin/cluster", "stop", "--dir", clusterDir), dir.resolve("stop.log"));
        }
        assertThat(Files.readString(dir.resolve("stop.log"))).contains("stopped");
        org.apache.hadoop.fs.FileUtil.fullyDelete(dir.toFile());  // the worker's copy of the application jar: 170 MB a run
    }

    private static String appJar() throws Exception {
        try (var jars = Files.list(ROOT.resolve("jobs/target"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith("emnistnet-app-")).findFirst().orElseThrow().toString();
        }
    }

    private static int run(List<String> command, Path log) throws Exception {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }
}
