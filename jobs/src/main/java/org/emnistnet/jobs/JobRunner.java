package org.emnistnet.jobs;

import org.emnistnet.EmnistNetException;
import picocli.CommandLine;

import java.io.UncheckedIOException;

/**
 * Runs a job's command line. A failure the user can act on (bad input, an existing output, a checksum mismatch,
 * a damaged file, a full disk, a server that does not answer: {@link InputFailures}) becomes one line on stderr
 * and exit code 1; usage errors exit 2 (picocli's convention); anything unexpected
 * prints its stack trace and exits 3.
 */
public final class JobRunner {
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNEXPECTED = 3;

    private JobRunner() {
    }

    public static int execute(Object command, String... args) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setExecutionExceptionHandler((error, cl, parseResult) -> {
            String job = cl.getCommandName();
            EmnistNetException known = findKnown(error);
            if (known != null) {
                cl.getErr().println("emnistnet " + job + ": error: " + known.getMessage());
                return known instanceof org.emnistnet.UsageException ? USAGE : FAILED;
            }
            java.util.Optional<String> input = InputFailures.describe(error);
            if (input.isPresent()) {
                cl.getErr().println("emnistnet " + job + ": error: " + input.get());
                return FAILED;
            }
            if (error instanceof UncheckedIOException io) {
                cl.getErr().println("emnistnet " + job + ": error: " + io.getMessage() + ": " + io.getCause().getMessage());
                return FAILED;
            }
            cl.getErr().println("emnistnet " + job + ": unexpected error: " + error);
            error.printStackTrace(cl.getErr());
            return UNEXPECTED;
        });
        return commandLine.execute(args);
    }

    /** Spark wraps an executor's exception in its own; the first of ours in the chain is the one to report. */
    static EmnistNetException findKnown(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof EmnistNetException known) {
                return known;
            }
        }
        return null;
    }

    /** main() of a job class: execute, then exit with its code (the only System.exit in the project). */
    static void main(Object command, String[] args) {
        System.exit(execute(command, args));
    }
}
