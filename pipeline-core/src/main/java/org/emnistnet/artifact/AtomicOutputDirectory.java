package org.emnistnet.artifact;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;
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
    /** In every output this class publishes: what {@code --overwrite} may replace. Spark skips names with "_". */
    public static final String MARKER = "_emnistnet_output.json";
    /** Outputs of earlier versions, recognised by the files they always hold. */
    private static final java.util.List<String> EARLIER_MARKERS = java.util.List.of("_manifest.json", "_summary.json", "metrics.json");
    private AtomicOutputDirectory() {
    }

    /**
     * Fails, before any work, when {@code target} exists and may not be overwritten, or when its folder cannot be
     * written (a file in the way, no permission, a read-only filesystem): a probe file is created and removed
     * there, so that an hour of scoring does not end in "cannot write".
     */
    public static void checkWritable(Path target, boolean overwrite) {
        boolean exists = HadoopFiles.exists(target);
        if (!overwrite && exists) {
            throw new EmnistNetException(target + " already exists (pass " + org.emnistnet.Parameter.OVERWRITE + " to replace it)");
        }
        if (exists && !writtenHere(target)) {
            throw new org.emnistnet.UsageException(target + " exists and is not an output of emnistnet (it has no "
                    + MARKER + "): " + org.emnistnet.Parameter.OVERWRITE + " replaces only those; remove it yourself if it should go");
        }
        Path folder = target.getParent();
        if (folder == null) {
            return;
        }
        Path probe = new Path(folder, "." + target.getName() + ".write-probe-" + writerTag());
        try {
            FileSystem fs = HadoopFiles.fileSystem(target);
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
        FileSystem fs = HadoopFiles.fileSystem(target);
        String tag = writerTag();
        removeStaleTemporaries(fs, target);
        // Not hidden: Spark skips paths that start with "." or "_" when it reads the directory back. The names say
        // which process writes them, so that a later run can prove it dead and clean up after it.
        Path temporary = new Path(target.getParent(), target.getName() + ".incomplete-" + tag);
        Path previous = new Path(target.getParent(), "." + target.getName() + ".old-" + tag);
        try {
            writer.accept(temporary);
            try (var marker = fs.create(new Path(temporary, MARKER), false)) {
                org.emnistnet.artifact.Json.MAPPER.writeValue((java.io.OutputStream) marker, java.util.Map.of("written_by", "emnistnet",
                        "versions", BuildInfo.versions(), "created", java.time.Instant.now().toString()));
            }
            boolean replacing = fs.exists(target);
            if (replacing) {
                checkStillReplaceable(target, overwrite);
            }
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
     * At publication, an output that appeared under {@code target} while this job worked (another job on the same
     * {@code --out}) is kept unless {@code overwrite} was asked for, and even then only if it is one of ours: the
     * check at the start cannot see it, and replacing it silently would lose that job's result.
     */
    private static void checkStillReplaceable(Path target, boolean overwrite) {
        if (!overwrite) {
            throw new EmnistNetException(target + " appeared while this job was writing it (another job published"
                    + " there meanwhile?): it is kept as it is and this job's output is discarded; pass "
                    + org.emnistnet.Parameter.OVERWRITE + " to replace it, or choose another output");
        }
        if (!writtenHere(target)) {
            throw new org.emnistnet.UsageException(target + " appeared while this job was writing it and is not an"
                    + " output of emnistnet (it has no " + MARKER + "): it is kept, and this job's output is discarded");
        }
    }

    /** A folder this project published: it holds the marker, or the files an earlier version's outputs always held. */
    private static boolean writtenHere(Path target) {
        FileSystem fs = HadoopFiles.fileSystem(target);
        try {
            if (!fs.getFileStatus(target).isDirectory()) {
                return false;
            }
            for (String name : java.util.stream.Stream.concat(java.util.stream.Stream.of(MARKER), EARLIER_MARKERS.stream()).toList()) {
                if (fs.exists(new Path(target, name))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + target, e);
        }
    }

    /** PID@HOST-RANDOM: which process wrote a temporary, and a random part so that no two writers collide. */
    private static String writerTag() {
        return LocalProcesses.pid() + "@" + LocalProcesses.host() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Cleans up after a killed writer of {@code target}, touching only what a process on this host that is no
     * longer alive left: its partial output and its write probe are deleted; a previous output it had moved aside
     * to replace is put back when the replacement never arrived, and deleted when it did. Temporaries of a live
     * writer, of another host or of older versions are left and named.
     */
    static void removeStaleTemporaries(FileSystem fs, Path target) {
        Pattern ours = Pattern.compile("\\.?" + Pattern.quote(target.getName())
                + "\\.(incomplete|old|write-probe)-(\\d+)@(.+)-[0-9a-f]{8}");
        try {
            if (!fs.exists(target.getParent())) {
                return;
            }
            for (FileStatus sibling : fs.listStatus(target.getParent())) {
                String name = sibling.getPath().getName();
                Matcher writer = ours.matcher(name);
                if (!writer.matches() && name.startsWith(target.getName() + ".incomplete-")) {
                    LOG.warn("leaving {}: a partial output of an older version; remove it when no job writes {}",
                            sibling.getPath(), target);
                } else if (!writer.matches()) {
                    continue;
                } else if (!LocalProcesses.isDeadOnThisHost(writer.group(3), Long.parseLong(writer.group(2)))) {
                    LOG.warn("leaving {}: a temporary of another process, live or on another host; remove it when no"
                            + " job writes {}", sibling.getPath(), target);
                } else if (writer.group(1).equals("old") && !fs.exists(target)) {
                    LOG.warn("putting {} back as {}: process {} on this host moved it aside to replace it and died"
                            + " before the replacement was in place", sibling.getPath(), target, writer.group(2));
                    if (!fs.rename(sibling.getPath(), target)) {
                        throw new EmnistNetException("cannot put " + sibling.getPath() + " back as " + target);
                    }
                } else {
                    LOG.warn("removing {}: left by a killed run (process {} on this host is gone)",
                            sibling.getPath(), writer.group(2));
                    fs.delete(sibling.getPath(), true);
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
