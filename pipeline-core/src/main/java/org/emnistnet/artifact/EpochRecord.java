package org.emnistnet.artifact;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of {@code history.json}: what an epoch did.
 *
 * @param trainLoss    mean label-smoothed cross-entropy of the epoch's minibatches, as the workers computed it (without DL4J's
 *                     weight-decay penalty, as PyTorch reports it)
 * @param valLoss      the same loss on the validation split after the epoch
 * @param learningRate the one-cycle learning rate at the end of the epoch
 * @param imagesPerS   training images per second of wall time (augmentation, batching, fitting, averaging)
 * @param fitSeconds   wall time of the training pass alone (no validation, no checkpoint)
 * @param workerFitSeconds seconds inside {@code fit(minibatch)} summed over the workers (the compute; the rest of
 *                     {@code workers x fitSeconds} went to data movement, parameter averaging and scheduling)
 * @param rounds       parameter-averaging rounds of the pass: {@code fitSeconds - workerFitSeconds / workers},
 *                     divided by it, is what one round costs outside the workers' compute
 * @param emaValLoss   the validation loss of the moving average of the weights (Polyak), null when it is off
 * @param emaValAccuracy its validation accuracy, null when it is off
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record EpochRecord(@JsonProperty("epoch") int epoch,
                          @JsonProperty("train_loss") double trainLoss,
                          @JsonProperty("val_loss") double valLoss,
                          @JsonProperty("val_accuracy") double valAccuracy,
                          @JsonProperty("learning_rate") double learningRate,
                          @JsonProperty("images_per_s") double imagesPerS,
                          @JsonProperty("seconds") double seconds,
                          @JsonProperty("iterations") long iterations,
                          @JsonProperty("checkpoint_sha256") String checkpointSha256,
                          @JsonProperty("fit_seconds") double fitSeconds,
                          @JsonProperty("worker_fit_seconds") double workerFitSeconds,
                          @JsonProperty("rounds") int rounds,
                          @JsonProperty("ema_val_loss") Double emaValLoss,
                          @JsonProperty("ema_val_accuracy") Double emaValAccuracy) {

    /** The better of the raw and the averaged weights' validation accuracy: what model selection compares. */
    public double bestValAccuracy() {
        return emaValAccuracy != null && emaValAccuracy > valAccuracy ? emaValAccuracy : valAccuracy;
    }

    /** The averaged weights are this epoch's better model. */
    public boolean averagedIsBetter() {
        return emaValAccuracy != null && emaValAccuracy > valAccuracy;
    }
}
