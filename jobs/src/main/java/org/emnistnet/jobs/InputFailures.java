package org.emnistnet.jobs;

import java.util.Optional;

/**
 * Failures that come from the user's data or machine, not from a bug, recognised in the exception chains Spark and
 * Hadoop throw: a file that is not what it claims (truncated or foreign Parquet, a zip that is no model), data
 * without the columns a job reads, a full disk, a server that does not answer. Each becomes one line that names
 * the file or server (exit 1) instead of a stack trace (exit 3).
 */
final class InputFailures {
    private InputFailures() {
    }

    /** One line for the user, or empty when the failure is not one of these (then it is a bug: exit 3). */
    static Optional<String> describe(Throwable error) {
        // Parquet's own words name the file; Spark repeats them inside its job failure, so take the innermost
        Throwable parquet = innermost(error, cause -> String.valueOf(cause.getMessage()).contains(" is not a Parquet file")
                || cause.getClass().getName().equals("org.apache.parquet.io.ParquetDecodingException"));
        if (parquet != null) {
            return Optional.of(firstLine(parquet.getMessage()) + ": the file is damaged or not what its name says;"
                    + " re-create it with the stage that wrote it");
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            // Spark lists an input's files when the job is planned and opens them in the tasks: a file deleted or
            // replaced in between (another job rewriting the input) fails every retry of its task
            if (cause.getClass().getName().equals("org.apache.spark.SparkFileNotFoundException")
                    || cause instanceof java.io.FileNotFoundException && message.endsWith(" does not exist")) {
                return Optional.of(firstLine(message).replaceFirst("^File ", "").replaceFirst(" does not exist$", "")
                        + " vanished while the job read it (deleted or replaced after the job listed its input,"
                        + " by another job?): run again once the input stays as it is");
            }
            if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
                return Optional.of("out of disk space: " + firstLine(message));
            }
            if (cause instanceof java.net.SocketTimeoutException || cause instanceof java.net.ConnectException
                    || cause instanceof java.net.UnknownHostException) {
                return Optional.of("no answer from a server the job needs: " + firstLine(message));
            }
            if (cause instanceof org.apache.hadoop.fs.ChecksumException) {
                return Optional.of(firstLine(message) + ": the file is damaged (its checksum does not match)");
            }
            if (message.contains("CANNOT_READ_FILE_FOOTER") || message.contains("FAILED_READ_FILE")
                    || message.startsWith("Encountered error while reading file")) {
                return Optional.of(firstLine(message).replaceFirst("^\\[[A-Z_.]+] ", "") + " (" + rootMessage(cause)
                        + "): the file is damaged or not what its name says; re-create it with the stage that wrote it");
            }
            if (cause instanceof org.apache.spark.sql.AnalysisException analysis) {
                return Optional.of("the input does not have the columns this job reads: " + firstLine(analysis.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static Throwable innermost(Throwable error, java.util.function.Predicate<Throwable> matching) {
        Throwable found = null;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (matching.test(cause)) {
                found = cause;
            }
        }
        return found;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = root(error);
        return root.getClass().getSimpleName() + ": " + firstLine(String.valueOf(root.getMessage()));
    }

    /** The innermost cause: where the library that failed said what it found. */
    static Throwable root(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
