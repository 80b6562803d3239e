package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/** Opens data files on any Hadoop filesystem (file:, hdfs:, s3a:), decompressing {@code .gz} files on the fly. */
public final class DataFiles {
    private DataFiles() {
    }

    public static FileSystem fileSystem(Path path) {
        return org.emnistnet.artifact.HadoopFiles.fileSystem(path);
    }

    /** The raw bytes of a file; a missing file is an {@link InvalidDataException} naming it. */
    public static InputStream openRaw(Path path) {
        return org.emnistnet.artifact.HadoopFiles.open(path);
    }

    /** The content of a file: decompressed when its name ends in .gz. */
    public static InputStream openContent(Path path) {
        return decompressing(openRaw(path), path);
    }

    static InputStream decompressing(InputStream raw, Path path) {
        if (!path.getName().endsWith(".gz")) {
            return raw;
        }
        try {
            return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new InvalidDataException(path + ": not a valid gzip file: " + e.getMessage(), e);
        }
    }

    public static boolean isDirectory(Path path) {
        try {
            return fileSystem(path).getFileStatus(path).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean exists(Path path) {
        return org.emnistnet.artifact.HadoopFiles.exists(path);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing: the original error is the one worth reporting
        }
    }
}
