package org.emnistnet.ml;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.emnistnet.InvalidDataException;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;

/**
 * Spark ML labels come as any number type (a {@code StringIndexer} gives doubles); the network needs a class
 * index. A label that is not a whole number in {@code [0, classes)} would be truncated or out of range if cast
 * blindly, so such rows are an error naming the first one, never a silent cast.
 */
final class ClassLabels {
    private ClassLabels() {
    }

    /** {@code labelCol} as an int column, after checking every row (one pass over the data). */
    static Column checked(Dataset<Row> data, String idCol, String labelCol, int classes) {
        Column label = col(labelCol).cast("double");
        Column bad = label.isNull().or(label.notEqual(floor(label))).or(label.lt(0)).or(label.geq(classes));
        Dataset<Row> wrong = data.where(bad).select(col(idCol), col(labelCol));
        Row first = wrong.isEmpty() ? null : wrong.first();
        if (first != null) {
            throw new InvalidDataException("EmnistNetClassifier: column '" + labelCol + "' has " + wrong.count()
                    + " value(s) that are not a class index 0.." + (classes - 1) + ", e.g. " + first.get(1) + " in row "
                    + idCol + "=" + first.get(0));
        }
        return label.cast("int");
    }
}
