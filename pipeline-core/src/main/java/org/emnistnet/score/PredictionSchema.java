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
    /** What kind of failure {@link #ERROR} describes ("file too large", "unreadable", ...): what summaries count by. */
    public static final String ERROR_KIND = "error_kind";

    public static final StructType TOP_ENTRY = new StructType()
            .add("label", DataTypes.StringType, false)
            .add("probability", DataTypes.DoubleType, false);

    private PredictionSchema() {
    }

    /**
     * The kind of a failure: its message's first clause, up to the first colon ("file too large: 3,145,728 bytes,
     * more than ..." is "file too large"). Every error row's message is written "kind: detail" or "kind".
     */
    public static String kindOf(String error) {
        int colon = error.indexOf(':');
        return colon < 0 ? error : error.substring(0, colon);
    }

    /** {@code key} ("id" or "path"), prediction, label_index, probability, top_k, model_sha256, error, error_kind. */
    public static StructType withKey(String key) {
        return new StructType()
                .add(key, DataTypes.StringType, false)
                .add(PREDICTION, DataTypes.StringType, true)
                .add(LABEL_INDEX, DataTypes.IntegerType, true)
                .add(PROBABILITY, DataTypes.DoubleType, true)
                .add(TOP_K, DataTypes.createArrayType(TOP_ENTRY, false), true)
                .add(MODEL_SHA256, DataTypes.StringType, false)
                .add(ERROR, DataTypes.StringType, true)
                .add(ERROR_KIND, DataTypes.StringType, true);
    }
}
