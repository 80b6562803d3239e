package org.emnistnet.train.paramavg;

/**
 * What one training pass did, as the workers saw it.
 *
 * @param meanLoss          mean training loss over the pass's minibatches (data loss, without the weight-decay penalty)
 * @param workerFitSeconds  seconds the workers spent inside {@code fit(minibatch)}, summed over the workers: the
 *                          compute; the rest of the pass's wall time is data movement, parameter averaging and
 *                          Spark's scheduling
 * @param images            images the workers fitted, over all minibatches (a task Spark retried counts again)
 */
public record EpochFit(double meanLoss, double workerFitSeconds, long images) {
    /** The share of {@code workers x wallSeconds} the workers spent computing. */
    public double computeShare(int workers, double wallSeconds) {
        return wallSeconds <= 0 ? Double.NaN : workerFitSeconds / (workers * wallSeconds);
    }
}
