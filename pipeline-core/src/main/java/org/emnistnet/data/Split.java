package org.emnistnet.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Arrays;

import static org.apache.spark.sql.functions.col;

/**
 * The splits of a prepared dataset, as stored in its {@link ImageSchema#SPLIT} column and named in its manifest:
 * {@code train} (fitted), {@code val} (model selection, cut from train by {@code prepare}), {@code test}
 * (reported, never looked at by training).
 */
public enum Split {
    TRAIN("train"), VAL("val"), TEST("test");

    /** The default split of the jobs that score or evaluate, as an annotation's constant. */
    public static final String TEST_ID = "test";

    private final String id;

    Split(String id) {
        this.id = id;
    }

    /** The name in the data and on the command line. */
    public String id() {
        return id;
    }

    /** The rows of this split. */
    public Dataset<Row> of(Dataset<Row> images) {
        return images.where(column());
    }

    /** True for the rows of this split. */
    public Column column() {
        return col(ImageSchema.SPLIT).equalTo(id);
    }

    /** The split named {@code id}; any other name is an {@link IllegalArgumentException} listing the three. */
    public static Split named(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no split '" + id + "': expected one of " + Arrays.stream(values()).map(Split::id).toList()));
    }

    @Override
    public String toString() {
        return id;
    }
}
