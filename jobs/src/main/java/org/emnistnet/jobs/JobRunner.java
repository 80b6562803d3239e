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
        return run(command, args).code();
    }

    /** A job's exit code and, when it failed, the one line it printed about why. */
    record Outcome(int code, String error) {
    }

    private static Outcome run(Object command, String... args) {
        String[] error = {null};
        CommandLine commandLine = new CommandLine(command);
        commandLine.setExecutionExceptionHandler((failure, cl, parseResult) -> {
            String job = cl.getCommandName();
            Outcome outcome = describe(job, failure);
            error[0] = outcome.error();
            cl.getErr().println(outcome.error());
            if (outcome.code() == UNEXPECTED) {
                failure.printStackTrace(cl.getErr());
            }
            return outcome.code();
        });
        commandLine.setParameterExceptionHandler((failure, arguments) -> { // picocli's own, keeping the line
            CommandLine cl = failure.getCommandLine();
            error[0] = "emnistnet " + cl.getCommandName() + ": error: " + failure.getMessage();
            cl.getErr().println(failure.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(failure, cl.getErr())) {
                cl.usage(cl.getErr());
            }
            return USAGE;
        });
        int code = commandLine.execute(args);
        return new Outcome(code, error[0] != null ? error[0] : "emnistnet: exit code " + code);
    }

    private static Outcome describe(String job, Exception error) {
        EmnistNetException known = findKnown(error);
        if (known != null) {
            return new Outcome(known instanceof org.emnistnet.UsageException ? USAGE : FAILED,
                    "emnistnet " + job + ": error: " + Flags.inFlags(known.getMessage()));
        }
        java.util.Optional<String> input = InputFailures.describe(error);
        if (input.isPresent()) {
            return new Outcome(FAILED, "emnistnet " + job + ": error: " + input.get());
        }
        if (error instanceof UncheckedIOException io) {
            return new Outcome(FAILED, "emnistnet " + job + ": error: " + io.getMessage() + ": " + io.getCause().getMessage());
        }
        return new Outcome(UNEXPECTED, "emnistnet " + job + ": unexpected error: " + error);
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

    /**
     * main() of a job class, ending the way whoever started the JVM expects. With the driver inside a cluster
     * manager (spark-submit's cluster deploy mode) success returns from main (a {@code System.exit} there makes
     * YARN's ApplicationMaster report FAILED, "shutdown hook called before final status was reported", and run the
     * job again) and failure throws an exception whose message is the job's error line (YARN's diagnostics).
     * Where the driver is the process itself ({@code bin/emnistnet}, spark-submit's client mode) it exits with the
     * code, 0/1/2/3: that process's exit code is what its caller reads, and no lingering non-daemon thread of a
     * library can keep it alive after the job. On YARN a usage error ends the application at once (no second
     * attempt: it would fail the same way), see {@link YarnApplicationMaster}.
     */
    public static void main(Object command, String[] args) {
        Outcome outcome = run(command, args);
        if (!"cluster".equals(System.getProperty("spark.submit.deployMode"))) { // set by spark-submit
            System.exit(outcome.code()); // the only System.exit in the project
        } else if (outcome.code() != 0) {
            if (outcome.code() == USAGE) {
                YarnApplicationMaster.failWithoutRetry(outcome.error() + " (exit code " + outcome.code() + ")");
            }
            throw new JobFailedException(outcome);
        }
    }

    /** A job that failed in cluster deploy mode: its message is what the job printed, its code the launcher's. */
    static final class JobFailedException extends RuntimeException {
        final int exitCode;

        JobFailedException(Outcome outcome) {
            super(outcome.error() + " (exit code " + outcome.code() + ")");
            this.exitCode = outcome.code();
        }
    }
}
