package org.emnistnet.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.data.InvalidDataException;

import java.util.Arrays;

/** Column parameters shared by {@link EmnistNetClassifier} and {@link EmnistNetModel}. */
interface EmnistNetParams extends Params {
    Param<String> featuresCol();

    Param<String> predictionCol();

    Param<String> probabilityCol();

    static void requireColumn(Params stage, StructType schema, String name, org.apache.spark.sql.types.DataType type) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidDataException(stage.getClass().getSimpleName() + ": input column '" + name + "' is missing; the data has "
                    + Arrays.toString(schema.fieldNames()));
        }
        if (!schema.apply(name).dataType().equals(type)) {
            throw new InvalidDataException(stage.getClass().getSimpleName() + ": column '" + name + "' has type "
                    + schema.apply(name).dataType().simpleString() + ", expected " + type.simpleString());
        }
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
