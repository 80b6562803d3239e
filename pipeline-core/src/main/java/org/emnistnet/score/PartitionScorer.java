package org.emnistnet.score;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.emnistnet.model.ModelBytes;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Scores one partition of (key, pixels, error) rows through {@link Inference}; rows that already carry an error
 * (a file that could not be decoded) pass through with it. Output rows follow {@link PredictionSchema}, one per
 * input, in input order.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
    private final Broadcast<ModelBytes> model;
    private final List<String> classNames;
    private final int topK;
    private final int batchSize;
    private final LongAccumulator scored;
    private final Engine engine;

    /** @param scored counts the rows scored, for the driver's progress line */
    PartitionScorer(Broadcast<ModelBytes> model, Engine engine, List<String> classNames, int topK, int batchSize,
                    LongAccumulator scored) {
        this.model = model;
        this.engine = engine;
        this.classNames = classNames;
        this.topK = Math.min(topK, classNames.size());
        this.batchSize = batchSize;
        this.scored = scored;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> inputs) {
        String sha = model.value().sha256();
        return Inference.stream(inputs, model.value(), engine, batchSize, row -> row.isNullAt(2) ? (byte[]) row.get(1) : null,
                (row, probabilities) -> {
                    scored.add(1);
                    return probabilities == null
                            ? RowFactory.create(row.getString(0), null, null, null, null, sha, row.getString(2),
                            PredictionSchema.kindOf(row.getString(2)))
                            : prediction(row.getString(0), probabilities, sha);
                });
    }

    private Row prediction(String key, float[] p, String sha) {
        Integer[] order = Predictions.ranked(p);
        Row[] top = new Row[topK];
        for (int k = 0; k < topK; k++) {
            top[k] = RowFactory.create(classNames.get(order[k]), (double) p[order[k]]);
        }
        return RowFactory.create(key, classNames.get(order[0]), order[0], (double) p[order[0]],
                scala.collection.JavaConverters.asScalaBuffer(Arrays.asList(top)).toSeq(), sha, null, null);
    }
}
