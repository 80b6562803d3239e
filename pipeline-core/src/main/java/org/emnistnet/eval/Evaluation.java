package org.emnistnet.eval;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.data.LabelRange;
import org.emnistnet.score.PredictionSchema;

import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Joins predictions with the true labels (by id) and reduces them, distributed, to a confusion matrix and a
 * top-k count: only n x n numbers reach the driver. Predictions without a label, and labelled rows that were not
 * scored, are counted and reported, never silently left out; ids repeated on either side, and labels outside the
 * model's classes, are refused, never folded into the metrics.
 */
public final class Evaluation {
    private Evaluation() {
    }

    public record Outcome(Metrics metrics, long unscored, long unlabelled, Dataset<Row> joined) {
    }

    /**
     * @param predictions scoring output keyed by {@code id}
     * @param labelled    rows with {@code id}, {@code label} and {@code pixels} (one prepared split)
     */
    public static Outcome evaluate(Dataset<Row> predictions, Dataset<Row> labelled, List<String> classNames, int topK) {
        if (!List.of(predictions.columns()).contains(ImageSchema.ID)) {
            throw new EmnistNetException("evaluate: the predictions have no 'id' column (image-file predictions have no labels to compare with)");
        }
        requireUniqueIds(predictions, "the predictions");
        requireUniqueIds(labelled, "the labelled rows");
        LabelRange.require("evaluate", labelled, classNames.size());
        Column[] names = classNames.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new);
        Dataset<Row> joined = predictions.join(labelled.select(ImageSchema.ID, ImageSchema.LABEL, ImageSchema.PIXELS), ImageSchema.ID)
                .withColumn("true_class", element_at(array(names), col(ImageSchema.LABEL).plus(1)))
                .withColumn("in_top_k", exists(col(PredictionSchema.TOP_K), entry -> entry.getField("label").equalTo(col("true_class"))));
        Dataset<Row> scored = joined.where(col(PredictionSchema.ERROR).isNull());
        int n = classNames.size();
        long[][] confusion = new long[n][n];
        for (Row cell : scored.groupBy(ImageSchema.LABEL, PredictionSchema.LABEL_INDEX).count().collectAsList()) {
            confusion[cell.getInt(0)][cell.getInt(1)] = cell.getLong(2);
        }
        Row hits = scored.agg(sum(when(col("in_top_k"), lit(1L)).otherwise(lit(0L)))).first();
        long topKHits = hits.isNullAt(0) ? 0 : hits.getLong(0);
        long unscored = joined.where(col(PredictionSchema.ERROR).isNotNull()).count();
        long unlabelled = predictions.join(labelled.select(ImageSchema.ID), predictions.col(ImageSchema.ID)
                .equalTo(labelled.col(ImageSchema.ID)), "left_anti").count();
        return new Outcome(new Metrics(classNames, confusion, topKHits, topK), unscored, unlabelled, joined);
    }

    /**
     * One row per id on each side: a repeated id would be joined with every row of the same id on the other side
     * and counted that many times in the metrics ("on 104 images" for 102 inputs), and a row without an id would
     * join nothing and drop out of the metrics unseen. One aggregation finds both.
     */
    private static void requireUniqueIds(Dataset<Row> rows, String what) {
        List<Row> wrong = rows.groupBy(ImageSchema.ID).count().where(col("count").gt(1).or(col(ImageSchema.ID).isNull()))
                .orderBy(col(ImageSchema.ID).asc_nulls_first()).limit(5).collectAsList();
        if (!wrong.isEmpty() && wrong.get(0).isNullAt(0)) {
            throw new EmnistNetException("evaluate: " + what + " hold " + wrong.get(0).getLong(1) + " row(s) without an id"
                    + " (null): each image needs its id to be compared with its label");
        }
        if (!wrong.isEmpty()) {
            throw new EmnistNetException("evaluate: " + what + " hold ids more than once (each image must have one row),"
                    + " e.g. " + String.join(", ", wrong.stream().map(row -> "'" + row.get(0) + "' x" + row.getLong(1)).toList()));
        }
    }

    /** The most confident wrong predictions, with their pixels, for the report's gallery. */
    public static List<Row> worstErrors(Outcome outcome, int limit) {
        return outcome.joined().where(col(PredictionSchema.ERROR).isNull()
                        .and(col(PredictionSchema.LABEL_INDEX).notEqual(col(ImageSchema.LABEL))))
                .orderBy(col(PredictionSchema.PROBABILITY).desc(), col(ImageSchema.ID))
                .select(ImageSchema.ID, "true_class", PredictionSchema.PREDICTION, PredictionSchema.PROBABILITY, ImageSchema.PIXELS)
                .limit(limit).collectAsList();
    }
}
