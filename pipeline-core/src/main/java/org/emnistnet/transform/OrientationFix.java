package org.emnistnet.transform;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

import static org.apache.spark.sql.functions.udf;

/**
 * Turns images stored transposed (EMNIST) upright: a transpose of the 28x28 grid. With
 * {@code storedTransposed=false} (Fashion-MNIST and other upright datasets) it passes images through untouched,
 * so one pipeline serves every dataset; {@link #forDataset} sets it from the dataset's descriptor.
 */
public final class OrientationFix extends PixelTransformer {
    private final BooleanParam storedTransposed = new BooleanParam(this, "storedTransposed",
            "true when the dataset stores its images transposed (EMNIST)");

    /** Spark ML discovers params through public no-argument methods named after them. */
    public BooleanParam storedTransposed() {
        return storedTransposed;
    }

    public OrientationFix() {
        this(Identifiable.randomUID("orientationFix"));
    }

    public OrientationFix(String uid) {
        super(uid);
        setDefault(storedTransposed, true);
    }

    public static OrientationFix forDataset(boolean storedTransposed) {
        return new OrientationFix().setStoredTransposed(storedTransposed);
    }

    public OrientationFix setStoredTransposed(boolean value) {
        return with(storedTransposed, value);
    }

    public OrientationFix setInputCol(String value) {
        return with(inputCol(), value);
    }

    public OrientationFix setOutputCol(String value) {
        return with(outputCol(), value);
    }

    public OrientationFix setIdCol(String value) {
        return with(idCol(), value);
    }

    public boolean getStoredTransposed() {
        return (Boolean) getOrDefault(storedTransposed);
    }

    @Override
    protected Column transformed(Column pixels, Column id) {
        boolean transpose = getStoredTransposed();
        UserDefinedFunction fix = udf((UDF2<byte[], String, byte[]>) (image, imageId) -> {
            byte[] checked = PixelOps.checked(image, imageId);
            return transpose ? PixelOps.transpose(checked) : checked;
        }, DataTypes.BinaryType);
        return fix.apply(pixels, id);
    }

    public static MLReader<OrientationFix> read() {
        return new DefaultParamsReader<>();
    }

    public static OrientationFix load(String path) {
        return read().load(path);
    }

    @Override
    public OrientationFix copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
