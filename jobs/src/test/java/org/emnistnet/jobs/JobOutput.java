package org.emnistnet.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * Test support shared by the jobs' and the lab's tests: runs a job in this JVM as its launcher would and keeps its
 * exit code and what it printed; a prepared dataset's manifest without data, for checks made before any work.
 */
public final class JobOutput {
    private JobOutput() {
    }

    public record Run(int code, String out, String err) {
    }

    /**
     * The accuracy a job printed: {@code evaluate: accuracy 0.7012, ...} (evaluate, pipeline) or {@code test_accuracy
     * 0.7012} (train).
     */
    public static double accuracyIn(String output) {
        java.util.regex.Matcher accuracy = java.util.regex.Pattern.compile("(?:evaluate: accuracy|test_accuracy) (\\d\\.\\d+)")
                .matcher(output);
        if (!accuracy.find()) {
            throw new AssertionError("no accuracy in: " + output);
        }
        return Double.parseDouble(accuracy.group(1));
    }

    /** {@code job}'s exit code and its stdout and stderr (the JVM's streams are restored afterwards). */
    public static Run capture(Object job, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = JobRunner.execute(job, args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /** {@code DIR/prepared} with only a manifest: what the jobs check before they read any data. */
    public static java.nio.file.Path tinyPreparedManifest(java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path prepared = java.nio.file.Files.createDirectories(dir.resolve("prepared"));
        java.nio.file.Files.writeString(prepared.resolve("_manifest.json"),
                "{\"stage\": \"prepare\", \"dataset\": \"tiny\", \"rows\": {\"test\": 1, \"train\": 8, \"val\": 1},"
                        + " \"class_names\": [\"a\", \"b\"]}");
        return prepared;
    }
}
