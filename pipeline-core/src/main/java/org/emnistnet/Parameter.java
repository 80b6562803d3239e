package org.emnistnet;

/**
 * The parameters the core's messages talk about, by their API names (the Java/Scala method parameters and Spark ML
 * params: {@code valFraction}, {@code overwrite}). A message names one as {@code `valFraction`}, in backquotes as
 * Spark's own messages name identifiers; the command-line jobs show their flag instead ({@code --val-fraction}),
 * so neither a notebook user nor a shell user is told about an option they never passed.
 */
public enum Parameter {
    OVERWRITE("overwrite"),
    WORK("work"),
    IN("in"),
    RUN("run"),
    RESUME("resume"),
    STAGING("staging"),
    VAL_FRACTION("valFraction"),
    EPOCHS("epochs"),
    BATCH_SIZE("batchSize"),
    SEED("seed"),
    MAX_LEARNING_RATE("maxLearningRate"),
    EMA_DECAY("emaDecay"),
    TRAIN_LIMIT("trainLimit"),
    WORKERS("workers"),
    BATCH_PER_WORKER("batchPerWorker"),
    AVERAGING_FREQUENCY("averagingFrequency"),
    SKIP_CHECKSUM("skipChecksum"),
    FOLLOW_LINKS("followLinks"),
    MAX_FILE_BYTES("maxFileBytes"),
    TOP_K("topK");

    private final String apiName;

    Parameter(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    /** How a message names it: {@code `apiName`}. */
    @Override
    public String toString() {
        return "`" + apiName + "`";
    }
}
