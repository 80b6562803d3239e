package org.emnistnet.transform;

import org.emnistnet.Defaults;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The reference's training augmentation: a random rotation then Gaussian noise, drawn anew each epoch.
 *
 * @param maxDegrees largest rotation either way (reference: 10)
 * @param noiseStd   noise standard deviation in [0, 1] units (reference: 0.05)
 */
public record Augmentation(double maxDegrees, double noiseStd, long seed) implements java.io.Serializable {
    public static Augmentation reference(long seed) {
        return new Augmentation(Defaults.ROTATION_DEGREES, Defaults.NOISE_STD, seed);
    }

    public RandomRotation rotation(int epoch) {
        return new RandomRotation().setMaxDegrees(maxDegrees).setSeed(seed).setEpoch(epoch);
    }

    public GaussianNoise noise(int epoch) {
        return new GaussianNoise().setStd(noiseStd).setSeed(seed).setEpoch(epoch);
    }

    /** The stages, for a user's own Pipeline. */
    public PipelineStage[] stages(int epoch) {
        return new PipelineStage[]{rotation(epoch), noise(epoch)};
    }

    /** Augments the images of {@code data} for {@code epoch}, in place in the pixels column. */
    public Dataset<Row> apply(Dataset<Row> data, int epoch) {
        return noise(epoch).transform(rotation(epoch).transform(data));
    }
}
