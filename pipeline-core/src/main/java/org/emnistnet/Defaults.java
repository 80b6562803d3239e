package org.emnistnet;

/**
 * The defaults shared by more than one stage or entry point (the jobs, the Spark ML classes, the pipeline,
 * training's validation pass), each defined once here. The training recipe's own values live in
 * {@code TrainingRecipe.reference()}, which takes the augmentation's from here.
 */
public final class Defaults {
    /** Images per forward-pass batch in scoring, evaluation and validation: ~0.2 s of ONNX Runtime on 2 cores. */
    public static final int INFERENCE_BATCH = 1024;
    /** The fraction of the training split that {@code prepare} sets aside for validation (the reference's 10 %). */
    public static final double VAL_FRACTION = 0.1;
    /** The seed of that split. */
    public static final long SPLIT_SEED = 42;
    /** Classes listed with their probabilities per prediction. */
    public static final int TOP_K = 3;
    /** Augmentation: the largest rotation in degrees, either way (the reference's ±10°). */
    public static final double ROTATION_DEGREES = 10.0;
    /** Augmentation: Gaussian noise's standard deviation in the model's input units, [0, 1] (the reference's 0.05). */
    public static final double NOISE_STD = 0.05;
    /** The seed of the reference recipe (training and augmentation). */
    public static final long SEED = 42;

    private Defaults() {
    }
}
