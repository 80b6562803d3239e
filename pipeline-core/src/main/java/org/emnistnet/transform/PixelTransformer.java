package org.emnistnet.transform;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.InvalidDataException;
import org.emnistnet.data.SchemaChecks;

import java.util.Arrays;

/**
 * A Spark ML stage that maps a column of 784-byte images to another, one image at a time, in the style of
 * Spark's own feature stages: typed {@code Param}s with defaults and setters, a {@link #transformSchema} that
 * rejects a wrong input with a clear message before any work, and save/load through {@code DefaultParamsWritable}.
 * The id column names the row in errors and seeds per-image randomness.
 */
public abstract class PixelTransformer extends Transformer implements DefaultParamsWritable {
    private final String uid;
    // Assigned in the constructor, after uid: a Param records its parent's uid when it is created.
    private final Param<String> inputCol;

    /** Spark ML discovers params through public no-argument methods named after them. */
    public Param<String> inputCol() {
        return inputCol;
    }
    private final Param<String> outputCol;

    public Param<String> outputCol() {
        return outputCol;
    }
    private final Param<String> idCol;

    public Param<String> idCol() {
        return idCol;
    }

    protected PixelTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of 784-byte 28x28 images");
        outputCol = new Param<>(this, "outputCol", "column for the transformed images (the input column itself by default)");
        idCol = new Param<>(this, "idCol", "string column that identifies each image");
        setDefault(inputCol, ImageSchema.PIXELS);
        setDefault(outputCol, ImageSchema.PIXELS);
        setDefault(idCol, ImageSchema.ID);
    }

    /** The column expression that computes the output image from the input image and the image id. */
    protected abstract Column transformed(Column pixels, Column id);

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String output = getOrDefault(outputCol);
        return dataset.withColumn(output, transformed(dataset.col(getOrDefault(inputCol)), dataset.col(getOrDefault(idCol))));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String input = getOrDefault(inputCol);
        String output = getOrDefault(outputCol);
        requireColumn(schema, input, DataTypes.BinaryType, "784-byte images");
        requireColumn(schema, getOrDefault(idCol), DataTypes.StringType, "image ids");
        if (output.equals(input)) {
            return schema;
        }
        if (Arrays.asList(schema.fieldNames()).contains(output)) {
            throw new InvalidDataException(getClass().getSimpleName() + ": output column '" + output + "' already exists");
        }
        return schema.add(DataTypes.createStructField(output, DataTypes.BinaryType, true));
    }

    private void requireColumn(StructType schema, String name, DataType type, String what) {
        SchemaChecks.requireColumn(getClass().getSimpleName(), schema, name, type, what);
    }

    @Override
    public String uid() {
        return uid;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public String getIdCol() {
        return getOrDefault(idCol);
    }

    @SuppressWarnings("unchecked")
    protected <T extends PixelTransformer> T with(Param<?> param, Object value) {
        set(param.name(), value);
        return (T) this;
    }
}
