package org.emnistnet.train.paramavg;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The training engine behind our own small interface: dl4j-spark is no longer maintained upstream, so everything
 * that touches it lives in one implementation ({@link ParameterAveragingTrainer}) and can be swapped alone.
 */
public interface DistributedTrainer {
    /** One pass over {@code batches}: the mean training loss and where the workers' time went. */
    EpochFit fitEpoch(JavaRDD<DataSet> batches, int epoch);

    /** The network as it stands after the last pass (parameters and updater state). */
    MultiLayerNetwork network();

    /** Number of parallel workers. */
    int workers();

    /** Keeps a moving average of the weights over every averaging round from now on. */
    void averageWeights(WeightAverage average);
}
