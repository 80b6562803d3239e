package org.emnistnet.model.layers;

import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;


import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EMNISTNet with its fast training layers ({@link ChannelBatchNormalization} with its GELU inside,
 * {@link SingleChannelConvolution}, {@link LinearConvolution}, {@link GeluActivationLayer}) computes what EMNISTNet
 * with DL4J's stock layers (BatchNorm and GELU as two layers) computes in double precision: the loss, the gradient
 * of every parameter (weights, gamma/beta, running statistics), and the parameters and predictions after training
 * steps, on the same minibatches and dropout masks. Parameters are matched by position: the networks have the same
 * parameters in the same order, in different numbers of layers. (DL4J's own float BatchNorm is
 * further from that reference: ~3e-3 relative on the first block's gradients, from cancellation in its float sums.)
 */
class FastTrainingLayersTest {
    private static final Map<String, String> STOCK = Map.of(
            ChannelBatchNormalization.class.getName(), BatchNormalization.class.getName(),
            SingleChannelConvolution.class.getName(), ConvolutionLayer.class.getName(),
            LinearConvolution.class.getName(), ConvolutionLayer.class.getName(),
            GeluActivationLayer.class.getName(), ActivationLayer.class.getName());

    private record Twins(MultiLayerNetwork ours, MultiLayerNetwork reference) {
    }

    /** Our float network and the same network, same parameters, with DL4J's stock layers, in double precision. */
    private static Twins twins() {
        MultiLayerNetwork ours = EmnistNet.create(10, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4));
        String json = ours.getLayerWiseConfigurations().toJson();
        for (String fastLayer : STOCK.keySet()) {
            assertTrue(json.contains(fastLayer), "EMNISTNet uses " + fastLayer);
        }
        MultiLayerConfiguration referenceConfiguration = EmnistNet.withStockLayers(ours.getLayerWiseConfigurations());
        for (Map.Entry<String, String> layer : STOCK.entrySet()) {
            assertTrue(!referenceConfiguration.toJson().contains(layer.getKey()) && referenceConfiguration.toJson().contains(layer.getValue()));
        }
        referenceConfiguration.setDataType(DataType.DOUBLE);
        MultiLayerNetwork reference = new MultiLayerNetwork(referenceConfiguration);
        reference.init(ours.params().castTo(DataType.DOUBLE), true);
        assertThat(ours.getLayer(0)).isInstanceOf(SingleChannelConvolutionLayer.class);
        assertThat(ours.getLayer(1)).isInstanceOf(ChannelBatchNormLayer.class);
        assertThat(((ChannelBatchNormalization) ours.getLayer(1).conf().getLayer()).isGeluAfter()).isTrue();
        assertThat(ours.getLayer(2)).isInstanceOf(LinearConvolutionLayer.class);
        assertThat(reference.getLayer(0)).isNotInstanceOf(SingleChannelConvolutionLayer.class);
        assertThat(reference.getLayer(1)).isNotInstanceOf(ChannelBatchNormLayer.class);
        assertThat(reference.getLayer(2).conf().getLayer()).isInstanceOf(ActivationLayer.class).isNotInstanceOf(GeluActivationLayer.class);
        assertThat(reference.getLayer(3)).isNotInstanceOf(LinearConvolutionLayer.class);
        assertThat(ours.getnLayers()).isEqualTo(reference.getnLayers() - 6 - 3);
        return new Twins(ours, reference);
    }

    /** (our layer index, the reference's layer index) of each layer with parameters, in order. */
    private static List<int[]> weightedLayers(Twins twins) {
        List<int[]> pairs = new ArrayList<>();
        int r = 0;
        for (int o = 0; o < twins.ours().getnLayers(); o++, r++) {
            if (twins.ours().getLayer(o).numParams() == 0) {
                continue;
            }
            while (twins.reference().getLayer(r).numParams() == 0) {
                r++;
            }
            assertThat(twins.reference().getLayer(r).paramTable().keySet()).isEqualTo(twins.ours().getLayer(o).paramTable().keySet());
            pairs.add(new int[]{o, r});
        }
        return pairs;
    }

    private static DataSet batch(int n, long seed, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.FLOAT, n, 1, 28, 28);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % 10, 1);
        }
        return new DataSet(features.castTo(type), labels.castTo(type));
    }

    /** Relative difference, with an absolute floor for arrays that are (nearly) zero. */
    private static double difference(INDArray expected, INDArray actual) {
        INDArray reference = expected.castTo(DataType.DOUBLE);
        return reference.sub(actual.castTo(DataType.DOUBLE)).norm2Number().doubleValue()
                / Math.max(1, reference.norm2Number().doubleValue());
    }

    @Test
    void lossAndEveryGradientMatchTheDoublePrecisionReference() {
        Twins twins = twins();
        for (MultiLayerNetwork net : new MultiLayerNetwork[]{twins.ours(), twins.reference()}) {
            DataSet data = batch(32, 7, net.getLayerWiseConfigurations().getDataType());
            net.setInput(data.getFeatures());
            net.setLabels(data.getLabels());
            Nd4j.getRandom().setSeed(11); // the same dropout masks
            net.computeGradientAndScore();
        }
        assertEquals(twins.reference().score(), twins.ours().score(), 1e-5);
        assertGradientsMatch(twins, 1e-4);
    }

    @Test
    void withForwardPassesOnWinogradTheLossAndEveryGradientStillMatchTheReference() {
        LinearConvolution.winogradForward(true);
        try {
            lossAndEveryGradientMatchTheDoublePrecisionReference();
        } finally {
            LinearConvolution.winogradForward(false);
        }
    }

    @Test
    void dl4jsOwnPathsForBatchNormAndGeluInOneLayerMatchTheReferenceToo() {
        // in double precision our layers hand over to DL4J's and ND4J's code (as on a GPU): BatchNorm, then GELU's ops
        Twins floats = twins();
        MultiLayerConfiguration configuration = floats.ours().getLayerWiseConfigurations().clone();
        configuration.setDataType(DataType.DOUBLE);
        MultiLayerNetwork ours = new MultiLayerNetwork(configuration);
        ours.init(floats.ours().params().castTo(DataType.DOUBLE), true);
        Twins twins = new Twins(ours, floats.reference());
        for (MultiLayerNetwork net : new MultiLayerNetwork[]{twins.ours(), twins.reference()}) {
            DataSet data = batch(32, 7, DataType.DOUBLE);
            net.setInput(data.getFeatures());
            net.setLabels(data.getLabels());
            Nd4j.getRandom().setSeed(11);
            net.computeGradientAndScore();
        }
        assertEquals(twins.reference().score(), twins.ours().score(), 1e-9);
        assertGradientsMatch(twins, 1e-6);
    }

    private static void assertGradientsMatch(Twins twins, double tolerance) {
        Map<String, INDArray> ours = twins.ours().gradient().gradientForVariable();
        Map<String, INDArray> reference = twins.reference().gradient().gradientForVariable();
        assertEquals(reference.size(), ours.size());
        for (int[] layer : weightedLayers(twins)) {
            for (String name : twins.ours().getLayer(layer[0]).paramTable().keySet()) {
                assertThat(difference(reference.get(layer[1] + "_" + name), ours.get(layer[0] + "_" + name)))
                        .as("layer %d %s", layer[0], name).isLessThan(tolerance);
            }
        }
    }

    @Test
    void trainingStepsGiveTheSameParametersRunningStatisticsAndPredictions() {
        Twins twins = twins();
        for (int step = 0; step < 3; step++) {
            for (MultiLayerNetwork net : new MultiLayerNetwork[]{twins.ours(), twins.reference()}) {
                Nd4j.getRandom().setSeed(200 + step);
                net.fit(batch(16, 100 + step, net.getLayerWiseConfigurations().getDataType()));
            }
        }
        MultiLayerNetwork ours = twins.ours();
        for (int[] layer : weightedLayers(twins)) {
            for (Map.Entry<String, INDArray> parameter : twins.reference().getLayer(layer[1]).paramTable().entrySet()) {
                if (layer[0] == EmnistNet.FIRST_DENSE && parameter.getKey().equals("b")) {
                    continue; // a bias before BatchNorm: zero gradient, so Adam's steps on it are pure rounding noise
                }
                assertThat(difference(parameter.getValue(), ours.getLayer(layer[0]).getParam(parameter.getKey())))
                        .as("layer %d %s", layer[0], parameter.getKey()).isLessThan(1e-4);
            }
        }
        DataSet test = batch(8, 999, DataType.FLOAT);
        INDArray expected = twins.reference().output(test.getFeatures().castTo(DataType.DOUBLE), false);
        assertThat(difference(expected, ours.output(test.getFeatures(), false))).isLessThan(1e-4);
    }
}
