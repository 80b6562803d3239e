package org.emnistnet.score;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The columns of scoring output. */
public final class PredictionSchema {
    public static final String PREDICTION = "prediction";
    public static final String LABEL_INDEX = "label_index";
    public static final String PROBABILITY = "probability";
    public static final String TOP_K = "top_k";
    public static final String MODEL_SHA256 = "model_sha256";
    public static final String ERROR = "error";

    public static final StructType TOP_ENTRY = new StructType()
            .add("label", DataTypes.StringType, false)
            .add("probability", DataTypes.DoubleType, false);

    private PredictionSchema() {
    }

    /** {@code key} ("id" or "path"), prediction, label_index, probability, top_k, model_sha256, error. */
    public static StructType withKey(String key) {
        return new StructType()
                .add(key, DataTypes.StringType, false)
                .add(PREDICTION, DataTypes.StringType, true)
                .add(LABEL_INDEX, DataTypes.IntegerType, true)
                .add(PROBABILITY, DataTypes.DoubleType, true)
                .add(TOP_K, DataTypes.createArrayType(TOP_ENTRY, false), true)
                .add(MODEL_SHA256, DataTypes.StringType, false)
                .add(ERROR, DataTypes.StringType, true);
    }
}
