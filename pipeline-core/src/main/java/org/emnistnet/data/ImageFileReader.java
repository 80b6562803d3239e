package org.emnistnet.data;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Reads the files of an {@link ImageFolder} listing on the executors: each as the rows (path, content, error), and
 * only if it is still the regular file of the size listed; anything else is the file's error row, never a
 * truncated image or a file outside the folder.
 */
public final class ImageFileReader {
    private ImageFileReader() {
    }

    /**
     * The listed files as rows (path, content, error), read on the executors in partitions of about
     * {@code filesPerPartition} files: enough for full inference batches per task, at least two tasks per core.
     */
    public static JavaRDD<Row> read(JavaSparkContext spark, List<ImageFolder.FileEntry> files, int filesPerPartition) {
        int partitions = (int) Math.max(1, Math.min(files.size(),
                Math.max(2L * spark.defaultParallelism(), files.size() / Math.max(1, filesPerPartition))));
        Broadcast<SerializableConfiguration> hadoop = spark.broadcast(new SerializableConfiguration(spark.hadoopConfiguration()));
        // as (path, length) tuples: Spark's Kryo knows Scala's tuples, not Java records
        List<scala.Tuple2<String, Long>> pathsAndLengths = files.stream().map(f -> new scala.Tuple2<>(f.path(), f.length())).toList();
        return spark.parallelize(pathsAndLengths, partitions).map(file -> {
            Path path = new Path(file._1());
            try {
                byte[] content = "file".equals(path.toUri().getScheme()) ? readLocal(path, file._2()) : readHadoop(path, file._2(), hadoop.value().value());
                return RowFactory.create(file._1(), content, null);
            } catch (ChangedSinceListing e) {
                return RowFactory.create(file._1(), null, e.getMessage());
            } catch (IOException | RuntimeException e) { // gone, shrunk or unreadable since the listing
                return RowFactory.create(file._1(), null, ImageFolder.UNREADABLE + ": " + e.getMessage());
            }
        });
    }

    /**
     * A local file, read only if it is still the regular file the listing saw: a link or a named pipe put in its
     * place since then would lead the job out of {@code --in} or block it for ever. The name is checked without
     * following links and opened with {@code O_NOFOLLOW}, and the bytes read must be exactly the size listed. (A
     * swap in the microseconds between the check and the open is not caught; the open still refuses a link.)
     * java.nio also costs a fraction of Hadoop's local filesystem per small file (no .crc lookup, no statistics).
     */
    static byte[] readLocal(Path path, long listedLength) throws IOException {
        java.nio.file.Path file = java.nio.file.Path.of(path.toUri());
        var now = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (now.isSymbolicLink()) {
            throw new ChangedSinceListing(ImageFolder.LINK_NOT_FOLLOWED + ": became a link after the listing");
        }
        if (!now.isRegularFile()) {
            throw new ChangedSinceListing(ImageFolder.NOT_A_FILE + ": replaced after the listing");
        }
        try (var channel = java.nio.file.Files.newByteChannel(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return readExactly(channel, listedLength);
        }
    }

    private static byte[] readExactly(java.nio.channels.SeekableByteChannel channel, long listedLength) throws IOException {
        java.nio.ByteBuffer content = java.nio.ByteBuffer.allocate(Math.toIntExact(listedLength));
        while (content.hasRemaining()) {
            if (channel.read(content) < 0) {
                throw new ChangedSinceListing(ImageFolder.UNREADABLE + ": " + changedSize(content.position(), listedLength));
            }
        }
        if (channel.size() != listedLength) {
            throw new ChangedSinceListing(ImageFolder.UNREADABLE + ": " + changedSize(channel.size(), listedLength));
        }
        return content.array();
    }

    private static String changedSize(long now, long listed) {
        return String.format(Locale.ROOT, "changed after the listing: %,d bytes, listed with %,d", now, listed);
    }

    /** A file on HDFS and the like (no links or pipes there to worry about): exactly the bytes listed. */
    private static byte[] readHadoop(Path path, long listedLength, org.apache.hadoop.conf.Configuration hadoop) throws IOException {
        try (FSDataInputStream in = path.getFileSystem(hadoop).open(path)) {
            byte[] content = new byte[Math.toIntExact(listedLength)];
            in.readFully(0, content);
            if (in.read(listedLength, new byte[1], 0, 1) > 0) {
                throw new ChangedSinceListing(ImageFolder.UNREADABLE + ": changed after the listing: more than the "
                        + String.format(Locale.ROOT, "%,d", listedLength) + " bytes listed");
            }
            return content;
        }
    }

    /** A listed file that is no longer what the listing saw; its message is the row's whole error. */
    private static final class ChangedSinceListing extends IOException {
        ChangedSinceListing(String message) {
            super(message);
        }
    }

    /** One name in a folder; for a link, {@code directory}, {@code regular} and {@code length} are its target's. */
}
