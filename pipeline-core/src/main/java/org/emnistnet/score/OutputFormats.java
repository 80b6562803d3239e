package org.emnistnet.score;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;

/** How predictions are written in each output format. */
final class OutputFormats {
    private OutputFormats() {
    }

    /**
     * Writer (and reader) options. CSV follows RFC 4180, as Python's csv, pandas and Spark's own default reader
     * expect: a header, quotes doubled inside quoted fields (Spark's default escapes them with a backslash), and
     * fields with line breaks read back whole ({@code multiLine}).
     */
    static Map<String, String> options(String format) {
        return format.equals("csv") ? Map.of("header", "true", "escape", "\"", "multiLine", "true") : Map.of();
    }

    /** CSV has no arrays: top-k becomes columns top1_label, top1_probability, ..., topK_probability. */
    static Dataset<Row> flattenTopK(Dataset<Row> predictions, int topK) {
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
