package org.emnistnet.transform;

import org.emnistnet.Defaults;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

import static org.apache.spark.sql.functions.udf;

/**
 * Rotates each image by an angle drawn uniformly from [-maxDegrees, +maxDegrees] about its centre (bilinear,
 * zero fill): the reference's ±10° augmentation.
 */
public final class RandomRotation extends RandomPixelTransformer {
    private final DoubleParam maxDegrees = new DoubleParam(this, "maxDegrees", "largest rotation in degrees, either way",
            ParamValidators.inRange(0, 180));

    /** Spark ML discovers params through public no-argument methods named after them. */
    public DoubleParam maxDegrees() {
        return maxDegrees;
    }

    public RandomRotation() {
        this(Identifiable.randomUID("randomRotation"));
    }

    public RandomRotation(String uid) {
        super(uid);
        setDefault(maxDegrees, Defaults.ROTATION_DEGREES);
    }

    public RandomRotation setMaxDegrees(double value) {
        return with(maxDegrees, value);
    }

    public RandomRotation setSeed(long value) {
        return with(seed(), value);
    }

    public RandomRotation setEpoch(int value) {
        return with(epoch(), value);
    }

    public RandomRotation setInputCol(String value) {
        return with(inputCol(), value);
    }

    public RandomRotation setOutputCol(String value) {
        return with(outputCol(), value);
    }

    public RandomRotation setIdCol(String value) {
        return with(idCol(), value);
    }

    public double getMaxDegrees() {
        return (Double) getOrDefault(maxDegrees);
    }

    /** The angle this stage gives an image: the same on every executor. */
    public static double angleOf(long seed, int epoch, String imageId, double maxDegrees) {
        return (ImageRandom.of(seed, epoch, "rotation", imageId).nextDouble() * 2 - 1) * maxDegrees;
    }

    @Override
    protected Column transformed(Column pixels, Column id) {
        long s = getSeed();
        int e = getEpoch();
        double max = getMaxDegrees();
        return udf((UDF2<byte[], String, byte[]>) (image, imageId) ->
                PixelOps.rotate(PixelOps.checked(image, imageId), angleOf(s, e, imageId, max)), DataTypes.BinaryType)
                .apply(pixels, id);
    }

    public static MLReader<RandomRotation> read() {
        return new DefaultParamsReader<>();
    }

    public static RandomRotation load(String path) {
        return read().load(path);
    }

    @Override
    public RandomRotation copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
