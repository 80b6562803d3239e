package org.emnistnet.data;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Column names and the Parquet schema shared by every stage that reads or writes images. */
public final class ImageSchema {
    public static final String ID = "id";
    public static final String SPLIT = "split";
    public static final String LABEL = "label";
    /** 784 unsigned bytes, row-major, as stored in the IDX file (0 = background, 255 = ink). */
    public static final String PIXELS = "pixels";

    public static final int SIDE = 28;
    public static final int PIXEL_COUNT = SIDE * SIDE;

    public static final StructType RAW = new StructType(new StructField[]{
            DataTypes.createStructField(ID, DataTypes.StringType, false),
            DataTypes.createStructField(SPLIT, DataTypes.StringType, false),
            DataTypes.createStructField(LABEL, DataTypes.IntegerType, false),
            DataTypes.createStructField(PIXELS, DataTypes.BinaryType, false)});

    private ImageSchema() {
    }

    /** A stable id: the split and the 0-based record index, zero-padded so that ids sort in file order. */
    public static String idOf(String split, long index) {
        return String.format("%s-%06d", split, index);
    }
}
