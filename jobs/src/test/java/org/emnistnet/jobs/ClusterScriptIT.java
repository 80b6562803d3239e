package org.emnistnet.jobs;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service scripts (bin/cluster, bin/hdfs, bin/yarn) on a shared host: a port in use is one clear line at once
 * (Spark alone would move its master to the next port, and the workers would dial whatever listens on this one), a
 * start that fails or is interrupted half-way stops what it started, and status says what runs where.
 */
@Tag("cluster")
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

    /**
     * Java processes whose command line names the folder: what a start from it left running. Read from /proc:
     * {@code ProcessHandle.Info.commandLine()} gives up on the long class paths of the HDFS and YARN daemons.
     */
    private static List<String> processesOf(Path dir) {
        return ProcessHandle.allProcesses().map(p -> commandLine(p.pid()))
                .filter(line -> line.contains(dir.toString()) && line.contains("java")).toList();
    }

    private static String commandLine(long pid) {
        try {
            return new String(java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException e) { // it ended meanwhile
            return "";
        }
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

    /** The script's arguments to start from {@code dir}. */
    private static List<String> startCommand(String script, Path dir) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/" + script, "start", "--dir", dir.toString()));
        if (script.equals("cluster")) {
            command.addAll(List.of("--workers", "1", "--port", Integer.toString(freePort())));
        }
        return command;
    }

    /**
     * Ctrl-C or a kill (SIGTERM) while the script waits for its daemons: the script exits saying so and leaves
     * nothing running (bash skips its EXIT trap when a signal ends it, unless the signal is trapped).
     */
    @ParameterizedTest(name = "bin/{0}")
    @ValueSource(strings = {"cluster", "hdfs", "yarn"})
    void aStartInterruptedHalfWayStopsWhatItHadStarted(String script) throws Exception {
        Path dir = tmp.resolve(script);
        Path log = tmp.resolve(script + "-start.log"); // not a pipe: destroy() closes the process's pipes
        Process start = new ProcessBuilder(startCommand(script, dir)).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        for (int i = 0; i < 1200 && processesOf(dir).isEmpty() && start.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertThat(processesOf(dir)).as("a daemon is starting").isNotEmpty();
        start.destroy();                                  // SIGTERM to the script, half-way through its start
        assertTrue(start.waitFor(90, TimeUnit.SECONDS), "the interrupted start did not end");
        String output = java.nio.file.Files.readString(log);
        System.out.println(output);
        assertThat(start.exitValue()).as(output).isNotZero();
        assertThat(output).contains("start failed; stopped what it").doesNotContain("export HADOOP_CONF_DIR", "spark://");
        for (int i = 0; i < 100 && !processesOf(dir).isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(processesOf(dir)).as("nothing left running from " + dir).isEmpty();
    }

    /** status names the process, the folder and the address; after stop it says nothing runs (exit 1). */
    @Test
    void statusSaysWhatRunsWhereAndStopLeavesNothing() throws Exception {
        Path dir = tmp.resolve("hdfs");
        Result start = run(startCommand("hdfs", dir), 120);
        assertEquals(0, start.code(), start.output());
        String url = start.output().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(url).startsWith("hdfs://127.0.0.1:");
        Result status = run(List.of("bin/hdfs", "status", "--dir", dir.toString()), 30);
        assertEquals(0, status.code(), status.output());
        assertThat(status.output()).containsPattern("hdfs: running \\(pid \\d+\\) from " + dir + " at " + url)
                .contains("export HADOOP_CONF_DIR=" + dir + "/conf");
        assertEquals(0, run(List.of("bin/hdfs", "stop", "--dir", dir.toString()), 60).code());
        assertThat(processesOf(dir)).isEmpty();
        Result after = run(List.of("bin/hdfs", "status", "--dir", dir.toString()), 30);
        assertEquals(1, after.code());
        assertThat(after.output()).contains("hdfs: not running from " + dir);
    }

    /** A service started for a process (a test JVM, a session) stops when that process ends without stopping it. */
    @Test
    void aServiceStopsItselfWhenItsOwnerEnds() throws Exception {
        Path dir = tmp.resolve("hdfs");
        Process owner = new ProcessBuilder("sleep", "600").start();
        List<String> command = new ArrayList<>(startCommand("hdfs", dir));
        command.addAll(List.of("--owner", Long.toString(owner.pid())));
        Result start = run(command, 120);
        assertEquals(0, start.code(), start.output());
        assertThat(processesOf(dir)).isNotEmpty();

        owner.destroyForcibly().waitFor();              // the owner dies without a word
        for (int i = 0; i < 600 && !processesOf(dir).isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(processesOf(dir)).as("the HDFS of a dead owner").isEmpty();
        assertEquals(1, run(List.of("bin/hdfs", "status", "--dir", dir.toString()), 30).code());
    }
}
