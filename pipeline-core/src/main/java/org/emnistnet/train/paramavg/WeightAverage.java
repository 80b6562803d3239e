package org.emnistnet.train.paramavg;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Polyak averaging on the driver: an exponential moving average of the network's flattened parameters, updated
 * after every parameter-averaging round (the same machinery, averaged over time instead of across workers).
 * The flattened parameters hold BatchNorm's running mean and variance too, so the statistics are averaged with
 * the weights they belong to. The decay warms up as {@code min(decay, (1 + n) / (10 + n))} after {@code n}
 * updates (as TensorFlow's ExponentialMovingAverage with num_updates), so the first epochs' random start fades
 * out quickly instead of over the decay's full horizon.
 */
public final class WeightAverage {
    private final double decay;
    private final INDArray average;
    private long updates;

    /** @param start the parameters to start from (a copy is kept); {@code updates} already made (on resume) */
    public WeightAverage(double decay, INDArray start, long updates) {
        this.decay = decay;
        this.average = start.dup();
        this.updates = updates;
    }

    /** After a round: blends the driver's new parameters into the average. */
    public void update(INDArray parameters) {
        updates++;
        double d = Math.min(decay, (1.0 + updates) / (10.0 + updates));
        average.muli(d).addi(parameters.mul(1 - d));
    }

    /** A copy of {@code network} carrying the averaged parameters (its updater state is left as it was). */
    public MultiLayerNetwork applyTo(MultiLayerNetwork network) {
        MultiLayerNetwork copy = network.clone();
        copy.setParams(average.dup());
        return copy;
    }

    /** The average as it stands (a view: do not modify). */
    INDArray current() {
        return average;
    }

    long updates() {
        return updates;
    }
}
