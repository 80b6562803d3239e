package org.emnistnet.train;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.ModelBytes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Distributed evaluation: the model is broadcast once, each partition scores its rows in batches, and only
 * three numbers per partition come back. Loss is the cross-entropy against the same smoothed targets training
 * uses, so training and validation curves are comparable.
 */
public final class Evaluator {
    private static final int BATCH = 1024;

    private Evaluator() {
    }

    public record Result(double loss, double accuracy, long count) {
    }

    public static Result evaluate(SparkSession spark, Dataset<Row> rows, ModelBytes model, int classes, double smoothing) {
        Broadcast<ModelBytes> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
        double[] totals = rows.select(ImageSchema.LABEL, ImageSchema.PIXELS).javaRDD()
                .mapPartitions(partition -> List.of(evaluatePartition(partition, broadcast.value(), classes, smoothing)).iterator())
                .reduce((a, b) -> new double[]{a[0] + b[0], a[1] + b[1], a[2] + b[2]});
        broadcast.destroy();
        long count = (long) totals[2];
        return new Result(count == 0 ? Double.NaN : totals[0] / count, count == 0 ? Double.NaN : totals[1] / count, count);
    }

    /** {sum of losses, correct predictions, images} of one partition. */
    static double[] evaluatePartition(Iterator<Row> rows, ModelBytes model, int classes, double smoothing) {
        double lossSum = 0;
        double correct = 0;
        double count = 0;
        List<Row> batch = new ArrayList<>(BATCH);
        while (rows.hasNext()) {
            batch.clear();
            while (rows.hasNext() && batch.size() < BATCH) {
                batch.add(rows.next());
            }
            DataSet data = DataSetBatches.toDataSet(batch, classes, smoothing);
            INDArray probabilities = model.output(data.getFeatures());
            INDArray targets = data.getLabels();
            lossSum -= targets.mul(org.nd4j.linalg.ops.transforms.Transforms.log(probabilities.add(1e-12), false)).sumNumber().doubleValue();
            INDArray predicted = probabilities.argMax(1);
            INDArray truth = targets.argMax(1);
            correct += predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().doubleValue();
            count += batch.size();
        }
        return new double[]{lossSum, correct, count};
    }
}
