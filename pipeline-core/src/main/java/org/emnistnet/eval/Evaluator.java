package org.emnistnet.eval;

import org.emnistnet.Defaults;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.ModelBytes;
import org.emnistnet.score.Engine;
import org.emnistnet.score.Inference;
import org.emnistnet.score.Predictions;

import java.util.Iterator;
import java.util.List;

/**
 * Distributed evaluation: the model is broadcast once, each partition streams its rows through {@link Inference},
 * and only three numbers per partition come back. Loss is the cross-entropy against the same smoothed targets
 * training uses ({@code 1 - s + s/K} for the true class, {@code s/K} for the others), so training and validation
 * curves are comparable.
 */
public final class Evaluator {
    private static final int BATCH = Defaults.INFERENCE_BATCH;
    private static final double LOG_FLOOR = 1e-12;

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

    /** {sum of losses, correct predictions, images} of (label, pixels) rows. */
    static double[] evaluatePartition(Iterator<Row> rows, ModelBytes model, int classes, double smoothing) {
        double[] totals = new double[3];
        Iterator<double[]> perImage = Inference.stream(rows, model, Engine.DEFAULT, BATCH, row -> row.getAs(1),
                (row, probabilities) -> lossAndHit(row.getInt(0), probabilities, classes, smoothing));
        while (perImage.hasNext()) {
            double[] image = perImage.next();
            totals[0] += image[0];
            totals[1] += image[1];
            totals[2]++;
        }
        return totals;
    }

    /** {smoothed cross-entropy, 1 if the most probable class is the label else 0}. */
    static double[] lossAndHit(int label, float[] probabilities, int classes, double smoothing) {
        double sumOfLogs = 0;
        for (int c = 0; c < probabilities.length; c++) {
            sumOfLogs += Math.log(probabilities[c] + LOG_FLOOR);
        }
        int best = Predictions.best(probabilities);
        double loss = -(1 - smoothing) * Math.log(probabilities[label] + LOG_FLOOR) - smoothing / classes * sumOfLogs;
        return new double[]{loss, best == label ? 1 : 0};
    }
}
