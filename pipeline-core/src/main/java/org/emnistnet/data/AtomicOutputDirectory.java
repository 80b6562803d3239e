package org.emnistnet.data;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Writes a directory so that readers only ever see a complete one: the content goes to a hidden sibling, and one
 * rename publishes it. A failed write leaves no directory under the final name. With {@code overwrite}, the old
 * directory is replaced only after the new one is complete.
 */
public final class AtomicOutputDirectory {
    private AtomicOutputDirectory() {
    }

    /** Fails, before any work, when {@code target} exists and may not be overwritten. */
    public static void checkWritable(Path target, boolean overwrite) {
        if (!overwrite && DataFiles.exists(target)) {
            throw new EmnistNetException(target + " already exists (pass --overwrite to replace it)");
        }
    }

    /** Runs {@code writer} with a temporary directory, then moves it to {@code target}. */
    public static void write(Path requestedTarget, boolean overwrite, Consumer<Path> writer) {
        // "dir/" would otherwise name the temporary siblings inside the target itself
        Path target = new Path(requestedTarget.toString().replaceAll("(?<=.)/+$", ""));
        checkWritable(target, overwrite);
        FileSystem fs = DataFiles.fileSystem(target);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        // Not hidden: Spark skips paths that start with "." or "_" when it reads the directory back.
        Path temporary = new Path(target.getParent(), target.getName() + ".incomplete-" + suffix);
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

    private static void deleteQuietly(FileSystem fs, Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary directory is harmless and named as such
        }
    }
}
