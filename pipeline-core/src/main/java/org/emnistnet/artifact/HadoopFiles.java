package org.emnistnet.artifact;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import org.emnistnet.InvalidDataException;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Which Hadoop configuration and filesystem a path is opened with. Inside a Spark application that is Spark's
 * Hadoop configuration (so {@code spark.hadoop.*} settings and {@code hdfs:///} paths on the cluster's default
 * filesystem work as they do for Spark's own reads), elsewhere Hadoop's defaults.
 */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    public static Configuration configuration() {
        return SparkSession.getActiveSession().isDefined()
                ? SparkSession.getActiveSession().get().sparkContext().hadoopConfiguration()
                : SparkSession.getDefaultSession().isDefined()
                ? SparkSession.getDefaultSession().get().sparkContext().hadoopConfiguration()
                : new Configuration();
    }

    public static FileSystem fileSystem(Path path) {
        try {
            return path.getFileSystem(configuration());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the filesystem of " + path + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(Path path) {
        try {
            return fileSystem(path).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The raw bytes of a file; a missing file is an {@link InvalidDataException} naming it. */
    public static InputStream open(Path path) {
        try {
            return new BufferedInputStream(fileSystem(path).open(path), 1 << 16);
        } catch (FileNotFoundException e) {
            throw new InvalidDataException(path + ": file not found");
        } catch (IOException e) {
            throw new InvalidDataException(path + ": cannot open: " + e.getMessage(), e);
        }
    }

    /**
     * A user's path as a fully qualified Hadoop path: a URI ({@code hdfs://nn:8020/runs/r1}, {@code s3a://b/r1},
     * {@code file:/data/r1}) stays what it is; a plain path is on the default filesystem, relative to the working
     * directory (on a local filesystem that is the directory the job was started in).
     */
    public static Path qualified(String userPath) {
        Path path = new Path(userPath);
        return fileSystem(path).makeQualified(path);
    }

    /** True when the path is on the local filesystem of this JVM's machine. */
    public static boolean isLocal(Path path) {
        return "file".equals(fileSystem(path).getUri().getScheme());
    }

    /** A path as a person reads it: local paths without the {@code file:} scheme, others as their URI. */
    public static String display(Path path) {
        return "file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString();
    }

    /**
     * {@code userPath} for Spark's readers, taken literally: Spark expands glob characters in every path it reads,
     * so a folder named {@code img[1]} or {@code a{b,c}} would be "Path does not exist" or another folder. Each of
     * Hadoop's glob characters is escaped with a backslash.
     */
    public static String literal(String userPath) {
        return userPath.replaceAll("([\\\\{}\\[\\]*?])", "\\\\$1");
    }
}
