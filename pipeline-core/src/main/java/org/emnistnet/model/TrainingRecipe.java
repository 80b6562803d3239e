package org.emnistnet.model;

import org.emnistnet.Defaults;
import org.emnistnet.EmnistNetException;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The whole training recipe as one immutable value, with the reference's defaults ({@link #reference()}):
 * 15 epochs, batch 256, Adam with decoupled weight decay 1e-4, one-cycle learning rate peaking at 3e-3 (30 %
 * warm-up, cosine annealing, div 25, final div 1e4; beta1 cycled as PyTorch's {@code OneCycleLR} does), label smoothing 0.1, dropout 0.1/0.2/0.3 after the conv
 * blocks and 0.4 in the head, rotation ±10° and noise 0.05, seed 42.
 *
 * @param batchSize global minibatch: each of the W workers takes {@code batchSize / W} per iteration
 * @param dropout   drop probabilities (not keep probabilities) after blocks 1, 2, 3 and in the head
 * @param emaDecay  decay of the exponential moving average of the weights kept on the driver across averaging
 *                  rounds (Polyak averaging), 0 = off; evaluated next to the raw weights every epoch
 */
@JsonIgnoreProperties(value = {"optimizer", "initialisation", "schedule"}, allowGetters = true)
@JsonPropertyOrder({"epochs", "batch_size", "optimizer", "initialisation", "max_learning_rate", "weight_decay", "schedule"})
public record TrainingRecipe(@JsonProperty("epochs") int epochs,
                             @JsonProperty("batch_size") @JsonAlias("batchSize") int batchSize,
                             @JsonProperty("max_learning_rate") @JsonAlias("maxLearningRate") double maxLearningRate,
                             @JsonProperty("weight_decay") @JsonAlias("weightDecay") double weightDecay,
                             @JsonProperty("warmup_fraction") @JsonAlias("warmupFraction") double warmupFraction,
                             @JsonProperty("div_factor") @JsonAlias("divFactor") double divFactor,
                             @JsonProperty("final_div_factor") @JsonAlias("finalDivFactor") double finalDivFactor,
                             @JsonProperty("label_smoothing") @JsonAlias("labelSmoothing") double labelSmoothing,
                             @JsonProperty("dropout") double[] dropout,
                             @JsonProperty("rotation_degrees") @JsonAlias("rotationDegrees") double rotationDegrees,
                             @JsonProperty("noise_std") @JsonAlias("noiseStd") double noiseStd,
                             @JsonProperty("seed") long seed,
                             @JsonProperty("ema_decay") @JsonAlias("emaDecay") double emaDecay)
        implements Serializable {

    public static TrainingRecipe reference() {
        return new TrainingRecipe(15, 256, 3e-3, 1e-4, 0.3, 25, 1e4, 0.1,
                new double[]{0.1, 0.2, 0.3, 0.4}, Defaults.ROTATION_DEGREES, Defaults.NOISE_STD, Defaults.SEED, 0);
    }

    public TrainingRecipe {
        dropout = dropout.clone();
        require(epochs >= 1, "epochs", epochs, ">= 1");
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
        require(maxLearningRate > 0, "maxLearningRate", maxLearningRate, "> 0");
        require(weightDecay >= 0, "weightDecay", weightDecay, ">= 0");
        require(warmupFraction > 0 && warmupFraction < 1, "warmupFraction", warmupFraction, "in (0, 1)");
        require(divFactor >= 1 && finalDivFactor >= 1, "divFactor/finalDivFactor", divFactor, ">= 1");
        require(labelSmoothing >= 0 && labelSmoothing < 1, "labelSmoothing", labelSmoothing, "in [0, 1)");
        require(dropout.length == 4, "dropout", dropout.length, "4 values (3 blocks and the head)");
        for (double p : dropout) {
            require(p >= 0 && p < 1, "dropout", p, "in [0, 1)");
        }
        require(rotationDegrees >= 0 && noiseStd >= 0, "augmentation", rotationDegrees, ">= 0");
        require(emaDecay >= 0 && emaDecay < 1, "emaDecay", emaDecay, "in [0, 1) (0 = off)");
    }

    public TrainingRecipe withEpochs(int value) {
        return toBuilder().epochs(value).build();
    }

    public TrainingRecipe withMaxLearningRate(double value) {
        return toBuilder().maxLearningRate(value).build();
    }

    public TrainingRecipe withBatchSize(int value) {
        return toBuilder().batchSize(value).build();
    }

    public TrainingRecipe withSeed(long value) {
        return toBuilder().seed(value).build();
    }

    public TrainingRecipe withEmaDecay(double value) {
        return toBuilder().emaDecay(value).build();
    }

    /** A builder starting from the reference recipe. */
    public static Builder builder() {
        return reference().toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Sets any part of a recipe; {@link #build()} validates the whole (the constructor's checks). */
    public static final class Builder {
        private int epochs;
        private int batchSize;
        private double maxLearningRate;
        private double weightDecay;
        private double warmupFraction;
        private double divFactor;
        private double finalDivFactor;
        private double labelSmoothing;
        private double[] dropout;
        private double rotationDegrees;
        private double noiseStd;
        private long seed;
        private double emaDecay;

        private Builder(TrainingRecipe from) {
            epochs = from.epochs;
            batchSize = from.batchSize;
            maxLearningRate = from.maxLearningRate;
            weightDecay = from.weightDecay;
            warmupFraction = from.warmupFraction;
            divFactor = from.divFactor;
            finalDivFactor = from.finalDivFactor;
            labelSmoothing = from.labelSmoothing;
            dropout = from.dropout.clone();
            rotationDegrees = from.rotationDegrees;
            noiseStd = from.noiseStd;
            seed = from.seed;
            emaDecay = from.emaDecay;
        }

        public Builder epochs(int value) { epochs = value; return this; }
        public Builder batchSize(int value) { batchSize = value; return this; }
        public Builder maxLearningRate(double value) { maxLearningRate = value; return this; }
        public Builder weightDecay(double value) { weightDecay = value; return this; }
        public Builder warmupFraction(double value) { warmupFraction = value; return this; }
        public Builder divFactors(double initial, double last) { divFactor = initial; finalDivFactor = last; return this; }
        public Builder labelSmoothing(double value) { labelSmoothing = value; return this; }
        public Builder dropout(double... value) { dropout = value.clone(); return this; }
        public Builder augmentation(double degrees, double noise) { rotationDegrees = degrees; noiseStd = noise; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder emaDecay(double value) { emaDecay = value; return this; }

        /** @throws EmnistNetException naming the first setting out of range */
        public TrainingRecipe build() {
            return new TrainingRecipe(epochs, batchSize, maxLearningRate, weightDecay, warmupFraction, divFactor,
                    finalDivFactor, labelSmoothing, dropout, rotationDegrees, noiseStd, seed, emaDecay);
        }
    }

    /** By value, dropout included (a record compares arrays by identity). */
    @Override
    public boolean equals(Object other) {
        return other instanceof TrainingRecipe r && epochs == r.epochs && batchSize == r.batchSize
                && Double.compare(maxLearningRate, r.maxLearningRate) == 0 && Double.compare(weightDecay, r.weightDecay) == 0
                && Double.compare(warmupFraction, r.warmupFraction) == 0 && Double.compare(divFactor, r.divFactor) == 0
                && Double.compare(finalDivFactor, r.finalDivFactor) == 0 && Double.compare(labelSmoothing, r.labelSmoothing) == 0
                && Arrays.equals(dropout, r.dropout) && Double.compare(rotationDegrees, r.rotationDegrees) == 0
                && Double.compare(noiseStd, r.noiseStd) == 0 && seed == r.seed && Double.compare(emaDecay, r.emaDecay) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(epochs, batchSize, maxLearningRate, weightDecay, warmupFraction, divFactor, finalDivFactor,
                labelSmoothing, Arrays.hashCode(dropout), rotationDegrees, noiseStd, seed, emaDecay);
    }

    @Override
    public String toString() {
        return "TrainingRecipe[epochs=" + epochs + ", batchSize=" + batchSize + ", maxLearningRate=" + maxLearningRate
                + ", weightDecay=" + weightDecay + ", warmupFraction=" + warmupFraction + ", divFactor=" + divFactor
                + ", finalDivFactor=" + finalDivFactor + ", labelSmoothing=" + labelSmoothing + ", dropout="
                + Arrays.toString(dropout) + ", rotationDegrees=" + rotationDegrees + ", noiseStd=" + noiseStd + ", seed=" + seed
                + ", emaDecay=" + emaDecay + "]";
    }

    @Override
    public double[] dropout() {
        return dropout.clone();
    }

    /** What the optimiser is, for people reading a card (written, ignored when read: the code decides it). */
    @JsonProperty("optimizer")
    public String optimizer() {
        return "Adam + decoupled weight decay (AdamW), beta1 cycled 0.95 -> 0.85 -> 0.95 with the learning rate";
    }

    @JsonProperty("initialisation")
    public String initialisation() {
        return "U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default";
    }

    @JsonProperty("schedule")
    public String schedule() {
        return "one-cycle, cosine";
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new EmnistNetException("training recipe: " + name + " = " + value + ", expected " + expected);
        }
    }
}
