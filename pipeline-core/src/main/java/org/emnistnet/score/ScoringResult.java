package org.emnistnet.score;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.emnistnet.artifact.ScoringSummary;

/**
 * What scoring one input gives: the predictions (lazy: one row per input, computed when written or collected) and
 * what the input was, which the summary written beside them records. A value, so that two inputs scored by one
 * {@link BatchScorer} can be written in any order, each with its own description.
 *
 * @param predictions one row per input ({@link PredictionSchema})
 * @param input       what was scored: a prepared split (its manifest's SHA-256), rows, or a folder's listing
 * @param inputCount  inputs, when known without a Spark job (a folder's listing, or rows counted for progress); else 0
 * @param scored      inputs scored so far by these predictions' tasks (for progress while they are written)
 */
public record ScoringResult(Dataset<Row> predictions, ScoringSummary.Input input, long inputCount, LongAccumulator scored) {
}
