package org.emnistnet.train.paramavg;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data parallelism inside one JVM: replicas on slices of a minibatch take the step one network takes on all of it. */
class ReplicaFitTest {

    @Test
    void twoReplicasTakeTheSameAdamStepsAsOneNetworkOnTheWholeMinibatch() {
        MultiLayerNetwork whole = smallNetworkWithoutBatchStatistics();
        MultiLayerNetwork replicated = whole.clone();
        DataSet minibatch = randomMinibatch(10, 12, 3, 7);
        try (ReplicaFit replicas = new ReplicaFit(replicated, 2, 1)) {
            for (int step = 0; step < 3; step++) { // later steps check that the replicas follow the parameters
                whole.fit(minibatch);
                replicas.fit(minibatch);
                assertEquals(whole.getIterationCount(), replicated.getIterationCount());
                assertEquals(whole.score(), replicated.score(), 1e-5, "the minibatch's mean loss");
                assertArrayEquals(whole.params().toFloatVector(), replicated.params().toFloatVector(), 1e-5f,
                        "parameters after step " + (step + 1));
            }
        }
        assertTrue(whole.params().sub(smallNetworkWithoutBatchStatistics().params()).norm2Number().doubleValue() > 1e-3,
                "the steps moved the parameters (the comparison above is not between two untouched networks)");
    }

    @Test
    void batchNormRunningMeanAveragesTheReplicasInsteadOfAddingThem() {
        TrainingRecipe recipe = TrainingRecipe.reference();
        OneCycleSchedule schedule = new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4);
        MultiLayerNetwork whole = EmnistNet.create(26, recipe, schedule);
        MultiLayerNetwork replicated = EmnistNet.create(26, recipe, schedule);
        replicated.setParams(whole.params().dup());
        DataSet minibatch = randomMinibatch(8, 784, 26, 11);
        minibatch.setFeatures(minibatch.getFeatures().reshape(8, 1, 28, 28));
        try (ReplicaFit replicas = new ReplicaFit(replicated, 2, 1)) {
            whole.fit(minibatch);
            replicas.fit(minibatch);
        }
        // the first BatchNorm sees the first convolution's output, identical in both; two equal halves' means
        // average to the whole minibatch's mean, so the running means agree; summed, they would move twice as far
        INDArray expected = whole.getLayer(1).getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        INDArray actual = replicated.getLayer(1).getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        assertTrue(expected.norm2Number().doubleValue() > 1e-4, "the running mean moved");
        assertArrayEquals(expected.toFloatVector(), actual.toFloatVector(), 1e-5f);
    }

    @Test
    void aMinibatchSmallerThanTheReplicasTakesOneReplicaPerExample() {
        MultiLayerNetwork whole = smallNetworkWithoutBatchStatistics();
        MultiLayerNetwork replicated = whole.clone();
        DataSet lastOfEpoch = randomMinibatch(2, 12, 3, 1);
        try (ReplicaFit replicas = new ReplicaFit(replicated, 3, 1)) {
            whole.fit(lastOfEpoch);
            replicas.fit(lastOfEpoch);
        }
        assertArrayEquals(whole.params().toFloatVector(), replicated.params().toFloatVector(), 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> new ReplicaFit(smallNetworkWithoutBatchStatistics(), 0, 1));
    }

    @Test
    void aMinibatchThatIsAViewIntoALargerOneIsSplitIntoItsOwnExamples() {
        // DL4J's worker re-batches an epoch's partial minibatches into views like this one: rows 86..256 of 256
        MultiLayerNetwork whole = smallNetworkWithoutBatchStatistics();
        MultiLayerNetwork replicated = whole.clone();
        DataSet larger = randomMinibatch(256, 12, 3, 9);
        DataSet view = new DataSet(larger.getFeatures().get(NDArrayIndex.interval(86, 256)),
                larger.getLabels().get(NDArrayIndex.interval(86, 256)));
        assertTrue(view.getFeatures().isView());
        try (ReplicaFit replicas = new ReplicaFit(replicated, 2, 1)) {
            replicas.fit(view);
        }
        whole.fit(new DataSet(view.getFeatures().dup(), view.getLabels().dup()));
        assertArrayEquals(whole.params().toFloatVector(), replicated.params().toFloatVector(), 1e-5f);
    }

    private static MultiLayerNetwork smallNetworkWithoutBatchStatistics() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    private static DataSet randomMinibatch(int examples, int features, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, examples, features);
        INDArray y = Nd4j.zeros(DataType.FLOAT, examples, classes);
        for (int i = 0; i < examples; i++) {
            y.putScalar(i, (i * 7 + seed) % classes, 1);
        }
        return new DataSet(x, y);
    }
}
