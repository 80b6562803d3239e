package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Labels are class indices: a null, negative or too large one would fail deep in a task (an
 * {@code ArrayIndexOutOfBoundsException}, exit 3) or fall outside every metric. Checked with one filtered pass
 * before the work, naming the first images that break it.
 */
public final class LabelRange {
    private LabelRange() {
    }

    public static void require(String source, Dataset<Row> rows, int classes) {
        List<Row> wrong = rows.where(col(ImageSchema.LABEL).isNull().or(col(ImageSchema.LABEL).lt(0))
                .or(col(ImageSchema.LABEL).geq(classes))).select(ImageSchema.ID, ImageSchema.LABEL).limit(5).collectAsList();
        if (!wrong.isEmpty()) {
            throw new InvalidDataException(source + ": labels must lie in 0.." + (classes - 1) + " (" + classes
                    + " classes), but " + String.join(", ", wrong.stream().map(row -> "id '" + row.get(0) + "' has " + row.get(1)).toList()));
        }
    }
}
