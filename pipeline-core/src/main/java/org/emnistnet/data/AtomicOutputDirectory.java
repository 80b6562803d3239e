package org.emnistnet.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.LocalProcesses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a directory so that readers only ever see a complete one: the content goes to a hidden sibling, and one
 * rename publishes it. A failed write leaves no directory under the final name. With {@code overwrite}, the old
 * directory is replaced only after the new one is complete.
 */
public final class AtomicOutputDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicOutputDirectory.class);
    private AtomicOutputDirectory() {
    }

    /**
     * Fails, before any work, when {@code target} exists and may not be overwritten, or when its folder cannot be
     * written (a file in the way, no permission, a read-only filesystem): a probe file is created and removed
     * there, so that an hour of scoring does not end in "cannot write".
     */
    public static void checkWritable(Path target, boolean overwrite) {
        if (!overwrite && DataFiles.exists(target)) {
            throw new EmnistNetException(target + " already exists (pass --overwrite to replace it)");
        }
        Path folder = target.getParent();
        if (folder == null) {
            return;
        }
        Path probe = new Path(folder, ".emnistnet-write-probe-" + UUID.randomUUID());
        try {
            FileSystem fs = DataFiles.fileSystem(target);
            fs.mkdirs(folder);
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw new EmnistNetException(target + ": cannot write there (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    /** Runs {@code writer} with a temporary directory, then moves it to {@code target}. */
    public static void write(Path requestedTarget, boolean overwrite, Consumer<Path> writer) {
        // "dir/" would otherwise name the temporary siblings inside the target itself
        Path target = new Path(requestedTarget.toString().replaceAll("(?<=.)/+$", ""));
        checkWritable(target, overwrite);
        FileSystem fs = DataFiles.fileSystem(target);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        removeStaleTemporaries(fs, target);
        // Not hidden: Spark skips paths that start with "." or "_" when it reads the directory back. The name says
        // which process writes it, so that a later run can prove it dead and clean up after it.
        Path temporary = new Path(target.getParent(), target.getName() + ".incomplete-" + LocalProcesses.pid() + "@"
                + LocalProcesses.host() + "-" + suffix);
        Path previous = new Path(target.getParent(), "." + target.getName() + ".old-" + suffix);
        try {
            writer.accept(temporary);
            boolean replacing = fs.exists(target);
            if (replacing && !fs.rename(target, previous)) {
                throw new EmnistNetException("cannot move the previous " + target + " aside to replace it");
            }
            if (!fs.rename(temporary, target)) {
                throw new EmnistNetException("cannot rename " + temporary + " to " + target);
            }
            if (replacing) {
                fs.delete(previous, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + target, e);
        } finally {
            deleteQuietly(fs, temporary);
        }
    }

    /**
     * Deletes temporaries of {@code target} left by a killed writer: only those whose name shows a process on this
     * host that is no longer alive. Others (a live writer, another host, an older unnamed one) are left and named.
     */
    static void removeStaleTemporaries(FileSystem fs, Path target) {
        Pattern ours = Pattern.compile(Pattern.quote(target.getName()) + "\\.incomplete-(\\d+)@(.+)-[0-9a-f]{8}");
        try {
            if (!fs.exists(target.getParent())) {
                return;
            }
            for (FileStatus sibling : fs.listStatus(target.getParent())) {
                String name = sibling.getPath().getName();
                if (!name.startsWith(target.getName() + ".incomplete-")) {
                    continue;
                }
                Matcher writer = ours.matcher(name);
                if (writer.matches() && LocalProcesses.isDeadOnThisHost(writer.group(2), Long.parseLong(writer.group(1)))) {
                    LOG.warn("removing {}: the partial output of a killed run (process {} on this host is gone)",
                            sibling.getPath(), writer.group(1));
                    fs.delete(sibling.getPath(), true);
                } else {
                    LOG.warn("leaving {}: a partial output of another process, live or on another host; remove it "
                            + "when no job writes {}", sibling.getPath(), target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + target.getParent(), e);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary directory is harmless and named as such
        }
    }
}
