package org.emnistnet.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.score.Inference;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Parquet rows to DL4J minibatches, built on the executors (the driver never holds the data). Features are
 * {@link Inference#features}, the same input inference gets; labels are {@code (n, classes)}
 * targets smoothed as PyTorch's {@code label_smoothing}: {@code 1 - s + s/K} for the true class, {@code s/K}
 * for the others.
 */
public final class DataSetBatches {
    private DataSetBatches() {
    }

    /** Rows in an order that depends only on (seed, epoch, id): a reproducible per-epoch shuffle. */
    public static Dataset<Row> shuffled(Dataset<Row> rows, long seed, int epoch, int partitions) {
        Column key = xxhash64(lit(seed), lit(epoch), col(ImageSchema.ID));
        return rows.repartition(partitions, key).sortWithinPartitions(key, col(ImageSchema.ID));
    }

    public static JavaRDD<DataSet> of(Dataset<Row> rows, int batchSize, int classes, double smoothing) {
        return rows.select(ImageSchema.LABEL, ImageSchema.PIXELS).javaRDD().mapPartitions(partition -> {
            ComputeBackend.configure();
            return batches(partition, batchSize, classes, smoothing);
        });
    }

    static Iterator<DataSet> batches(Iterator<Row> rows, int batchSize, int classes, double smoothing) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public DataSet next() {
                List<Row> batch = new ArrayList<>(batchSize);
                while (rows.hasNext() && batch.size() < batchSize) {
                    batch.add(rows.next());
                }
                return toDataSet(batch, classes, smoothing);
            }
        };
    }

    public static DataSet toDataSet(List<Row> rows, int classes, double smoothing) {
        int n = rows.size();
        List<byte[]> images = new ArrayList<>(n);
        float[] labels = new float[n * classes];
        java.util.Arrays.fill(labels, (float) (smoothing / classes));
        float truth = (float) (1 - smoothing + smoothing / classes);
        for (int i = 0; i < n; i++) {
            images.add(rows.get(i).getAs(1));
            labels[i * classes + rows.get(i).getInt(0)] = truth;
        }
        return new DataSet(Inference.features(images), Nd4j.create(labels, new long[]{n, classes}, 'c'));
    }
}
