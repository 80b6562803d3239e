package org.emnistnet.model;

import org.emnistnet.EmnistNetException;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole training recipe as one immutable value, with the reference's defaults ({@link #reference()}):
 * 15 epochs, batch 256, Adam with decoupled weight decay 1e-4, one-cycle learning rate peaking at 3e-3 (30 %
 * warm-up, cosine annealing, div 25, final div 1e4), label smoothing 0.1, dropout 0.1/0.2/0.3 after the conv
 * blocks and 0.4 in the head, rotation ±10° and noise 0.05, seed 42.
 *
 * @param batchSize global minibatch: each of the W workers takes {@code batchSize / W} per iteration
 * @param dropout   drop probabilities (not keep probabilities) after blocks 1, 2, 3 and in the head
 */
public record TrainingRecipe(int epochs, int batchSize, double maxLearningRate, double weightDecay,
                             double warmupFraction, double divFactor, double finalDivFactor, double labelSmoothing,
                             double[] dropout, double rotationDegrees, double noiseStd, long seed)
        implements Serializable {

    public static TrainingRecipe reference() {
        return new TrainingRecipe(15, 256, 3e-3, 1e-4, 0.3, 25, 1e4, 0.1,
                new double[]{0.1, 0.2, 0.3, 0.4}, 10, 0.05, 42);
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
    }

    public TrainingRecipe withEpochs(int value) {
        return new TrainingRecipe(value, batchSize, maxLearningRate, weightDecay, warmupFraction, divFactor,
                finalDivFactor, labelSmoothing, dropout, rotationDegrees, noiseStd, seed);
    }

    public TrainingRecipe withMaxLearningRate(double value) {
        return new TrainingRecipe(epochs, batchSize, value, weightDecay, warmupFraction, divFactor,
                finalDivFactor, labelSmoothing, dropout, rotationDegrees, noiseStd, seed);
    }

    public TrainingRecipe withBatchSize(int value) {
        return new TrainingRecipe(epochs, value, maxLearningRate, weightDecay, warmupFraction, divFactor,
                finalDivFactor, labelSmoothing, dropout, rotationDegrees, noiseStd, seed);
    }

    public TrainingRecipe withSeed(long value) {
        return new TrainingRecipe(epochs, batchSize, maxLearningRate, weightDecay, warmupFraction, divFactor,
                finalDivFactor, labelSmoothing, dropout, rotationDegrees, noiseStd, value);
    }

    @Override
    public double[] dropout() {
        return dropout.clone();
    }

    /** For provenance (model.json, reports). */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("epochs", epochs);
        map.put("batch_size", batchSize);
        map.put("optimizer", "Adam + decoupled weight decay (AdamW)");
        map.put("max_learning_rate", maxLearningRate);
        map.put("weight_decay", weightDecay);
        map.put("schedule", "one-cycle, cosine");
        map.put("warmup_fraction", warmupFraction);
        map.put("div_factor", divFactor);
        map.put("final_div_factor", finalDivFactor);
        map.put("label_smoothing", labelSmoothing);
        map.put("dropout", dropout.clone());
        map.put("rotation_degrees", rotationDegrees);
        map.put("noise_std", noiseStd);
        map.put("seed", seed);
        return map;
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new EmnistNetException("training recipe: " + name + " = " + value + ", expected " + expected);
        }
    }
}
