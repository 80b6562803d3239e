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
 * Adds Gaussian noise to every pixel and clips to the valid range: the reference's noise augmentation. {@code std}
 * is in the model's input units ([0, 1], i.e. pixel/255), so the reference's 0.05 is 12.75 grey levels.
 */
public final class GaussianNoise extends RandomPixelTransformer {
    private final DoubleParam std = new DoubleParam(this, "std", "noise standard deviation in [0, 1] pixel units",
            ParamValidators.gtEq(0));

    /** Spark ML discovers params through public no-argument methods named after them. */
    public DoubleParam std() {
        return std;
    }

    public GaussianNoise() {
        this(Identifiable.randomUID("gaussianNoise"));
    }

    public GaussianNoise(String uid) {
        super(uid);
        setDefault(std, Defaults.NOISE_STD);
    }

    public GaussianNoise setStd(double value) {
        return with(std, value);
    }

    public GaussianNoise setSeed(long value) {
        return with(seed(), value);
    }

    public GaussianNoise setEpoch(int value) {
        return with(epoch(), value);
    }

    public GaussianNoise setInputCol(String value) {
        return with(inputCol(), value);
    }

    public GaussianNoise setOutputCol(String value) {
        return with(outputCol(), value);
    }

    public GaussianNoise setIdCol(String value) {
        return with(idCol(), value);
    }

    public double getStd() {
        return (Double) getOrDefault(std);
    }

    @Override
    protected Column transformed(Column pixels, Column id) {
        long s = getSeed();
        int e = getEpoch();
        double sigma = getStd();
        return udf((UDF2<byte[], String, byte[]>) (image, imageId) -> PixelOps.addGaussianNoise(
                PixelOps.checked(image, imageId), sigma, ImageRandom.of(s, e, "noise", imageId)), DataTypes.BinaryType)
                .apply(pixels, id);
    }

    public static MLReader<GaussianNoise> read() {
        return new DefaultParamsReader<>();
    }

    public static GaussianNoise load(String path) {
        return read().load(path);
    }

    @Override
    public GaussianNoise copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
