package org.emnistnet.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.data.SchemaChecks;


/** Column parameters shared by {@link EmnistNetClassifier} and {@link EmnistNetModel}. */
interface EmnistNetParams extends Params {
    Param<String> featuresCol();

    Param<String> predictionCol();

    Param<String> probabilityCol();

    static void requireColumn(Params stage, StructType schema, String name, org.apache.spark.sql.types.DataType type) {
        SchemaChecks.requireColumn(stage.getClass().getSimpleName(), schema, name, type, "input of " + stage.uid());
    }

    static void defaults(EmnistNetParams params) {
        params.setDefault(params.featuresCol(), ImageSchema.PIXELS);
        params.setDefault(params.predictionCol(), "prediction");
        params.setDefault(params.probabilityCol(), "probability");
    }

    static void requireFeatures(Params stage, StructType schema, String featuresCol) {
        requireColumn(stage, schema, featuresCol, DataTypes.BinaryType);
    }
}
