package org.emnistnet.transform;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.ParamValidators;

/**
 * A pixel stage with per-image randomness drawn from (seed, epoch, stage, image id) through {@link ImageRandom}:
 * bit-identical for the same seed and epoch on any partitioning, different for every epoch.
 */
public abstract class RandomPixelTransformer extends PixelTransformer {
    private final LongParam seed = new LongParam(this, "seed", "random seed");

    /** Spark ML discovers params through public no-argument methods named after them. */
    public LongParam seed() {
        return seed;
    }
    private final IntParam epoch = new IntParam(this, "epoch", "training epoch (each draws new augmentations)",
            ParamValidators.gtEq(0));

    public IntParam epoch() {
        return epoch;
    }

    protected RandomPixelTransformer(String uid) {
        super(uid);
        setDefault(seed, 42L);
        setDefault(epoch, 0);
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    public int getEpoch() {
        return (Integer) getOrDefault(epoch);
    }
}
