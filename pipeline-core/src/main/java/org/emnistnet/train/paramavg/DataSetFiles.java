package org.emnistnet.train.paramavg;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.emnistnet.EmnistNetException;
import org.nd4j.linalg.dataset.DataSet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * An epoch's minibatches staged as files for dl4j-spark's path-based training: one file per DataSet, in
 * {@link StagedDataSets}' format (read back with its loader), named by partition and position so that the returned
 * paths keep the epoch's order.
 *
 * <p>Replaces DL4J's own export, which writes through Hadoop's checksummed local filesystem: without Hadoop's
 * native library that forks a {@code chmod} process for every file and its {@code .crc} (two forks of the whole
 * JVM per minibatch, ~10 ms each, 4 s of every 100 s epoch here), and in ND4J's element-by-element format. Local
 * directories are written with {@code java.nio} instead; any other filesystem (HDFS, S3, ...) through Hadoop.
 */
final class DataSetFiles {
    private DataSetFiles() {
    }

    /**
     * Lazily writes {@code batches} under {@code directory} (a URI or a path on the default filesystem); the
     * returned RDD of file paths does it when computed, one task per partition of {@code batches}.
     */
    static JavaRDD<String> write(JavaSparkContext spark, JavaRDD<DataSet> batches, String directory) {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(spark.hadoopConfiguration());
        // HDFS's client polls the NameNode to complete a closed file, first after 400 ms: with one small file per
        // minibatch that wait was most of the staging time (7.6 s of a 29 s epoch for 24 files on the standalone
        // cluster). Poll sooner; the FileSystem is our own instance, so the setting reaches its DFS client.
        conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
        Broadcast<SerializableConfiguration> hadoop = spark.broadcast(new SerializableConfiguration(conf));
        return batches.mapPartitionsWithIndex((partition, minibatches) -> {
            List<String> written = new ArrayList<>();
            try (Target target = new Target(directory, hadoop.value().value())) {
                for (int position = 0; minibatches.hasNext(); position++) {
                    String path = String.format("%s/part-%05d-%06d.bin", directory, partition, position);
                    DataSet minibatch = minibatches.next();
                    try (OutputStream out = new BufferedOutputStream(target.create(path), 1 << 16)) {
                        StagedDataSets.write(minibatch, out);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot stage minibatch " + position + " of partition " + partition
                                + " as " + path, e);
                    }
                    written.add(path);
                }
            }
            return written.iterator();
        }, true);
    }

    /** Deletes the directory and everything in it; a missing directory is fine. */
    static void delete(JavaSparkContext spark, String directory) {
        try {
            Path path = new Path(directory);
            path.getFileSystem(spark.hadoopConfiguration()).delete(path, true);
        } catch (IOException e) {
            throw new EmnistNetException("cannot delete the staged minibatches in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where a task writes its files: {@code java.nio} for a local directory, else its own Hadoop FileSystem instance
     * (not Hadoop's shared cache, whose instance may have been made with other client settings), closed with it.
     */
    private static final class Target implements AutoCloseable {
        private final boolean local;
        private final FileSystem fs;

        Target(String directory, org.apache.hadoop.conf.Configuration conf) throws IOException {
            URI uri = URI.create(directory);
            this.local = "file".equals(uri.getScheme());
            this.fs = local ? null : FileSystem.newInstance(new Path(directory).toUri(), conf);
        }

        OutputStream create(String path) throws IOException {
            if (local) {
                java.nio.file.Path file = Paths.get(URI.create(path));
                Files.createDirectories(file.getParent());
                return Files.newOutputStream(file);
            }
            return fs.create(new Path(path), true); // a retried task writes its files again
        }

        @Override
        public void close() throws IOException {
            if (fs != null) {
                fs.close();
            }
        }
    }
}
