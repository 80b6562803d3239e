package org.emnistnet.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the cluster tests share: the project's scripts and application jar run as processes, and waiting on them. */
final class ClusterProcesses {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private ClusterProcesses() {
    }

    /** A finished process: its exit code and everything it printed. */
    record Result(int code, String output) {
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** The shaded application jar spark-submit takes. */
    static String appJar() throws IOException {
        try (var jars = Files.list(ROOT.resolve("jobs/target"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith("emnistnet-app-")).findFirst().orElseThrow().toString();
        }
    }

    /** Runs {@code command} in the project folder to its end, within {@code seconds}. */
    static Result run(List<String> command, int seconds) throws Exception {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", command));
        return new Result(process.exitValue(), output);
    }

    /** Starts {@code command} with its output in {@code log}: a pipe nobody reads would block a long-running driver. */
    static Process start(List<String> command, Path log, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Waits for {@code process} (killing it after {@code seconds}) and reads its log. */
    static Result finish(Process process, Path log, int seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
    }

    static void waitFor(Condition condition, int seconds, String what) throws Exception {
        for (int i = 0; i < seconds * 5 && !condition.holds(); i++) {
            Thread.sleep(200);
        }
        assertTrue(condition.holds(), "waited " + seconds + " s for " + what);
    }

    static String[] concat(List<String> settings, String... more) {
        List<String> all = new ArrayList<>(settings);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }
}
