package org.emnistnet.train;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import org.emnistnet.artifact.StageManifest;

/**
 * What a training run learns from: rows with {@code id}, {@code label} and {@code pixels} per split, the class
 * names, and where the rows came from (for the model's provenance).
 *
 * @param test rows for the final test accuracy, or null when there is no test split
 */
public record TrainingData(String source, List<String> classNames, StageManifest manifest, String manifestSha256,
                           Dataset<Row> train, Dataset<Row> val, Dataset<Row> test) {
}
