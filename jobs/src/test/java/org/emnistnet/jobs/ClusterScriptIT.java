package org.emnistnet.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/cluster as a service script on a shared host: a port in use is one clear line at once (Spark alone would move
 * its master to the next port, and the workers would dial whatever listens on this one), and a start that fails
 * half-way stops what it started.
 */
class ClusterScriptIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    @TempDir
    Path tmp;

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command, int seconds) throws Exception {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", command) + " did not end: " + output);
        System.out.println(output);
        return new Result(process.exitValue(), output);
    }

    /** Processes whose command line names the folder: what a start from it left running. */
    private static List<String> processesOf(Path dir) {
        return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(line -> line.contains(dir.toString()) && line.contains("java")).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aPortInUseIsOneLineNamingItsOwnerAndNothingStarts() throws Exception {
        Path dir = tmp.resolve("cluster");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Result start = run(List.of("bin/cluster", "start", "--workers", "1", "--port", Integer.toString(port),
                    "--dir", dir.toString()), 60);
            assertEquals(1, start.code(), start.output());
            assertThat(start.output().strip().lines()).as("one line").hasSize(1);
            assertThat(start.output()).contains("bin/cluster: port " + port + " is in use (by pid " + ProcessHandle.current().pid() + ")")
                    .contains("bin/cluster start --port N");
        }
        assertThat(processesOf(dir)).as("nothing started").isEmpty();
    }

    @Test
    void aStartThatFailsHalfWayStopsTheMasterItHadStarted() throws Exception {
        Path dir = tmp.resolve("cluster");
        // the worker refuses its memory setting and exits, after the master is up
        Result start = run(List.of("bin/cluster", "start", "--workers", "1", "--memory", "lots", "--port",
                Integer.toString(freePort()), "--dir", dir.toString()), 120);
        assertEquals(1, start.code(), start.output());
        assertThat(start.output()).contains("worker-1 exited before 'Successfully registered with master'")
                .contains("bin/cluster: start failed; stopped what it had started");
        assertThat(processesOf(dir)).as("no master or worker left running").isEmpty();
        assertThat(dir.resolve("secret")).doesNotExist();
    }
}
