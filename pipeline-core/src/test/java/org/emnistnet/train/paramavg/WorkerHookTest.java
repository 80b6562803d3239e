package org.emnistnet.train.paramavg;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerHookTest {

    private static MultiLayerNetwork network(double decay) {
        var layers = new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-3)).weightInit(WeightInit.UNIFORM).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH)
                        .regularization(java.util.List.of(new WeightDecay(decay, true))).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3).activation(Activation.SOFTMAX)
                        .regularization(java.util.List.of(new WeightDecay(decay, true))).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(layers);
        network.init();
        return network;
    }

    private static DataSet minibatch() {
        INDArray features = Nd4j.linspace(-1, 1, 24, DataType.FLOAT).reshape(4, 6);
        INDArray labels = Nd4j.createFromArray(new float[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}});
        return new DataSet(features, labels);
    }

    @Test
    void theReportedTrainingLossLeavesOutDl4jsWeightDecayPenaltyAsPyTorchDoes() {
        MultiLayerNetwork decayed = network(0.5);
        MultiLayerNetwork plain = network(0);
        DataSet batch = minibatch();
        for (MultiLayerNetwork network : new MultiLayerNetwork[]{decayed, plain}) {
            network.setInput(batch.getFeatures());
            network.setLabels(batch.getLabels());
            network.computeGradientAndScore();
        }
        double weightSquares = 0;
        for (int layer = 0; layer < 2; layer++) {
            INDArray weights = decayed.getLayer(layer).getParam("W");
            weightSquares += weights.mul(weights).sumNumber().doubleValue();
        }
        // DL4J's score adds 0.5 * decay * sum(w^2) over the decayed weights; the hook's loss is the cross-entropy alone
        assertEquals(plain.score() + 0.5 * 0.5 * weightSquares, decayed.score(), 1e-5);
        assertTrue(weightSquares > 0.1, "the penalty is large enough for the check to mean something");
        assertEquals(plain.score(), WorkerHook.dataLoss(decayed), 1e-6);
        assertEquals(plain.score(), WorkerHook.dataLoss(plain), 0);
    }
}
