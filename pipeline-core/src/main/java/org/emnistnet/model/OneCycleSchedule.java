package org.emnistnet.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * PyTorch's {@code OneCycleLR} (two phases, cosine annealing) as a DL4J schedule of the iteration count: from
 * {@code max/div} up to {@code max} over the first {@code warmup * total} steps, then down to
 * {@code max/div/finalDiv} at step {@code total - 1}. DL4J's own {@code CycleSchedule} is linear and repeats,
 * hence this class. Serialisable with DL4J's (shaded) Jackson, so it travels inside the model's configuration and
 * a resumed run continues the same curve from the saved iteration count.
 */
public final class OneCycleSchedule implements ISchedule {
    @JsonProperty
    private final double maxLearningRate;
    @JsonProperty
    private final int totalSteps;
    @JsonProperty
    private final double warmupFraction;
    @JsonProperty
    private final double divFactor;
    @JsonProperty
    private final double finalDivFactor;

    public OneCycleSchedule(@JsonProperty("maxLearningRate") double maxLearningRate,
                            @JsonProperty("totalSteps") int totalSteps,
                            @JsonProperty("warmupFraction") double warmupFraction,
                            @JsonProperty("divFactor") double divFactor,
                            @JsonProperty("finalDivFactor") double finalDivFactor) {
        if (totalSteps < 2) {
            throw new IllegalArgumentException("one-cycle schedule needs at least 2 steps, got " + totalSteps);
        }
        this.maxLearningRate = maxLearningRate;
        this.totalSteps = totalSteps;
        this.warmupFraction = warmupFraction;
        this.divFactor = divFactor;
        this.finalDivFactor = finalDivFactor;
    }

    public static OneCycleSchedule of(TrainingRecipe recipe, int totalSteps) {
        return new OneCycleSchedule(recipe.maxLearningRate(), totalSteps, recipe.warmupFraction(),
                recipe.divFactor(), recipe.finalDivFactor());
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double initial = maxLearningRate / divFactor;
        double minimum = initial / finalDivFactor;
        double warmupEnd = warmupFraction * totalSteps - 1;
        double end = totalSteps - 1;
        int step = Math.min(iteration, totalSteps - 1);
        if (step <= warmupEnd) {
            return cosine(initial, maxLearningRate, step / warmupEnd);
        }
        return cosine(maxLearningRate, minimum, (step - warmupEnd) / (end - warmupEnd));
    }

    private static double cosine(double start, double end, double fraction) {
        return end + (start - end) / 2.0 * (1 + Math.cos(Math.PI * fraction));
    }

    public int totalSteps() {
        return totalSteps;
    }

    @Override
    public ISchedule clone() {
        return new OneCycleSchedule(maxLearningRate, totalSteps, warmupFraction, divFactor, finalDivFactor);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OneCycleSchedule that && maxLearningRate == that.maxLearningRate
                && totalSteps == that.totalSteps && warmupFraction == that.warmupFraction
                && divFactor == that.divFactor && finalDivFactor == that.finalDivFactor;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(maxLearningRate) * 31 + totalSteps;
    }
}
