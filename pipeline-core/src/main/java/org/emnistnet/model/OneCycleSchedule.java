package org.emnistnet.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * PyTorch's {@code OneCycleLR} (two phases, cosine annealing) as a DL4J schedule of the iteration count: from
 * {@code max/div} up to {@code max} over the first {@code warmup * total} steps, then down to
 * {@code max/div/finalDiv} at step {@code total - 1}. DL4J's own {@code CycleSchedule} is linear and repeats,
 * hence this class. Like {@code OneCycleLR} (whose {@code cycle_momentum} is on by default, and with AdamW cycles
 * {@code beta1}), it also has a momentum curve, {@link #momentumAt}: from {@code maxMomentum} down to
 * {@code baseMomentum} at the learning rate's peak and back up, which {@link OneCycleAdam} uses as Adam's beta1.
 * Serialisable with DL4J's (shaded) Jackson, so it travels inside the model's configuration and
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
    @JsonProperty
    private final double baseMomentum;
    @JsonProperty
    private final double maxMomentum;

    /** With PyTorch's default momentum range, 0.85 to 0.95. */
    public OneCycleSchedule(double maxLearningRate, int totalSteps, double warmupFraction, double divFactor,
                            double finalDivFactor) {
        this(maxLearningRate, totalSteps, warmupFraction, divFactor, finalDivFactor, 0.85, 0.95);
    }

    /**
     * A schedule saved before the momentum curve existed has neither momentum: it continues with DL4J's constant
     * beta1 of 0.9, as it was trained, so that {@code --resume} of such a run changes nothing.
     */
    @JsonCreator
    static OneCycleSchedule fromJson(@JsonProperty("maxLearningRate") double maxLearningRate,
                                     @JsonProperty("totalSteps") int totalSteps,
                                     @JsonProperty("warmupFraction") double warmupFraction,
                                     @JsonProperty("divFactor") double divFactor,
                                     @JsonProperty("finalDivFactor") double finalDivFactor,
                                     @JsonProperty("baseMomentum") Double baseMomentum,
                                     @JsonProperty("maxMomentum") Double maxMomentum) {
        double constantBeforeCycling = 0.9;
        return new OneCycleSchedule(maxLearningRate, totalSteps, warmupFraction, divFactor, finalDivFactor,
                baseMomentum == null ? constantBeforeCycling : baseMomentum,
                maxMomentum == null ? constantBeforeCycling : maxMomentum);
    }

    public OneCycleSchedule(double maxLearningRate, int totalSteps, double warmupFraction, double divFactor,
                            double finalDivFactor, double baseMomentum, double maxMomentum) {
        if (totalSteps < 2) {
            throw new IllegalArgumentException("one-cycle schedule needs at least 2 steps, got " + totalSteps);
        }
        if (!(baseMomentum > 0 && baseMomentum <= maxMomentum && maxMomentum < 1)) {
            throw new IllegalArgumentException("one-cycle momentum needs 0 < base <= max < 1, got " + baseMomentum
                    + " and " + maxMomentum);
        }
        this.maxLearningRate = maxLearningRate;
        this.totalSteps = totalSteps;
        this.warmupFraction = warmupFraction;
        this.divFactor = divFactor;
        this.finalDivFactor = finalDivFactor;
        this.baseMomentum = baseMomentum;
        this.maxMomentum = maxMomentum;
    }

    public static OneCycleSchedule of(TrainingRecipe recipe, int totalSteps) {
        return new OneCycleSchedule(recipe.maxLearningRate(), totalSteps, recipe.warmupFraction(),
                recipe.divFactor(), recipe.finalDivFactor());
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double initial = maxLearningRate / divFactor;
        return twoPhases(iteration, initial, maxLearningRate, initial / finalDivFactor);
    }

    /** Adam's beta1 at {@code iteration}: high while the learning rate is low, lowest at its peak. */
    public double momentumAt(int iteration) {
        return twoPhases(iteration, maxMomentum, baseMomentum, maxMomentum);
    }

    /** {@code start -> peak} (cosine) over the warm-up, then {@code peak -> end} until step {@code total - 1}. */
    private double twoPhases(int iteration, double start, double peak, double end) {
        double warmupEnd = warmupFraction * totalSteps - 1;
        double last = totalSteps - 1;
        int step = Math.min(iteration, totalSteps - 1);
        if (step <= warmupEnd) {
            return cosine(start, peak, step / warmupEnd);
        }
        return cosine(peak, end, (step - warmupEnd) / (last - warmupEnd));
    }

    private static double cosine(double start, double end, double fraction) {
        return end + (start - end) / 2.0 * (1 + Math.cos(Math.PI * fraction));
    }

    public int totalSteps() {
        return totalSteps;
    }

    @Override
    public ISchedule clone() {
        return new OneCycleSchedule(maxLearningRate, totalSteps, warmupFraction, divFactor, finalDivFactor,
                baseMomentum, maxMomentum);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OneCycleSchedule that && maxLearningRate == that.maxLearningRate
                && totalSteps == that.totalSteps && warmupFraction == that.warmupFraction
                && divFactor == that.divFactor && finalDivFactor == that.finalDivFactor
                && baseMomentum == that.baseMomentum && maxMomentum == that.maxMomentum;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(maxLearningRate) * 31 + totalSteps;
    }
}
