package org.emnistnet.score;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;

/**
 * The formats scoring writes. The constants are named as Spark names its data sources (and as the command line
 * takes them), so {@code name()} is what {@code DataFrameWriter.format} is given.
 */
public enum OutputFormat {
    parquet, csv, json;

    /** The default of the jobs, as an annotation's constant. */
    public static final String DEFAULT_NAME = "parquet";

    /**
     * Writer (and reader) options. CSV follows RFC 4180, as Python's csv, pandas and Spark's own default reader
     * expect: a header, quotes doubled inside quoted fields (Spark's default escapes them with a backslash), and
     * fields with line breaks read back whole ({@code multiLine}).
     */
    Map<String, String> options() {
        return this == csv ? Map.of("header", "true", "escape", "\"", "multiLine", "true") : Map.of();
    }

    /** The predictions as this format can hold them: CSV has no arrays, so top-k becomes columns. */
    Dataset<Row> shape(Dataset<Row> predictions, int topK) {
        return this == csv ? flattenTopK(predictions, topK) : predictions;
    }

    /** Top-k as columns top1_label, top1_probability, ..., topK_probability. */
    private static Dataset<Row> flattenTopK(Dataset<Row> predictions, int topK) {
        List<Column> columns = new ArrayList<>();
        for (String name : predictions.columns()) {
            if (!name.equals(PredictionSchema.TOP_K)) {
                columns.add(col(name));
            }
        }
        for (int k = 1; k <= topK; k++) {
            columns.add(element_at(col(PredictionSchema.TOP_K), k).getField("label").as("top" + k + "_label"));
            columns.add(element_at(col(PredictionSchema.TOP_K), k).getField("probability").as("top" + k + "_probability"));
        }
        return predictions.select(columns.toArray(new Column[0]));
    }
}
