package org.emnistnet.model.layers;

import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** BatchNorm with GELU (and max-pooling) inside, as configurations and checkpoints hold it. */
class ChannelBatchNormalizationTest {
    private final MultiLayerConfiguration training =
            EmnistNet.configuration(10, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4));

    private static ChannelBatchNormalization layer(MultiLayerConfiguration configuration, int index) {
        return (ChannelBatchNormalization) configuration.getConf(index).getLayer();
    }

    @Test
    void theTrainingNetworksConvolutionBlocksHoldGeluInsideTheirBatchNorm() {
        assertThat(layer(training, 1).isGeluAfter()).isTrue();
        MultiLayerConfiguration reloaded = MultiLayerConfiguration.fromJson(training.toJson());
        assertThat(layer(reloaded, 1).isGeluAfter()).isTrue();
    }

    @Test
    void aConfigurationSavedBeforeTheFieldExistedReadsAsBatchNormWithoutGelu() {
        // checkpoints of earlier versions: BatchNorm layers without the field, each followed by its own GELU layer
        String saved = training.toJson().replaceAll("\"geluAfter\"\\s*:\\s*true\\s*,?", "");
        assertThat(saved).doesNotContain("geluAfter");
        assertThat(layer(MultiLayerConfiguration.fromJson(saved), 1).isGeluAfter()).isFalse();
    }

    @Test
    void batchNormAndGeluAsTwoLayersTrainToTheSameBitsAsOneLayer() {
        // the layout of checkpoints saved before the fusion, which --resume continues with
        MultiLayerNetwork oneLayer = new MultiLayerNetwork(training);
        oneLayer.init();
        MultiLayerNetwork twoLayers = new MultiLayerNetwork(EmnistNet.withGeluLayers(training));
        twoLayers.init(oneLayer.params().dup(), true);
        assertThat(twoLayers.getnLayers()).isEqualTo(oneLayer.getnLayers() + 6 + 3);
        assertThat(twoLayers.getLayer(2)).isInstanceOf(GeluLayer.class);
        trainTwoSteps(oneLayer, twoLayers);
        assertThat(twoLayers.params().toFloatVector()).isEqualTo(oneLayer.params().toFloatVector());
        assertThat(oneLayer.score()).isEqualTo(twoLayers.score());
    }

    @Test
    void maxPoolingAsALayerOfItsOwnTrainsToTheSameBitsAsInsideTheBatchNorm() {
        // the layout of checkpoints saved before the pooling joined; inputs with ties in every pooling window
        // of their blank half, which the pooling inside must settle as DL4J's (oneDNN's) pooling layer does
        MultiLayerNetwork inside = new MultiLayerNetwork(training);
        inside.init();
        MultiLayerNetwork ownLayer = new MultiLayerNetwork(EmnistNet.withPoolingLayers(training));
        ownLayer.init(inside.params().dup(), true);
        assertThat(ownLayer.getnLayers()).isEqualTo(inside.getnLayers() + 3);
        assertThat(layer(training, 3).isMaxPoolAfter()).isTrue();
        assertThat(layer(ownLayer.getLayerWiseConfigurations(), 3).isMaxPoolAfter()).isFalse();
        assertThat(layer(ownLayer.getLayerWiseConfigurations(), 3).isGeluAfter()).isTrue();
        assertThat(ownLayer.getLayerWiseConfigurations().getConf(4).getLayer()).isEqualTo(ChannelBatchNormalization.maxPooling(CNN2DFormat.NCHW));
        trainTwoSteps(inside, ownLayer);
        assertThat(ownLayer.params().toFloatVector()).isEqualTo(inside.params().toFloatVector());
        assertThat(inside.score()).isEqualTo(ownLayer.score());
        INDArray features = halfBlankImages(16, 400);
        assertThat(inside.output(features).reshape(-1).toFloatVector()).isEqualTo(ownLayer.output(features).reshape(-1).toFloatVector());
    }

    @Test
    void onDl4jsPathThePoolingInsideTrainsAsDl4jsPoolingLayer() {
        // double precision runs DL4J's BatchNorm, ND4J's GELU and DL4J's pooling inside the layer (as a GPU does)
        MultiLayerConfiguration doubles = training.clone();
        doubles.setDataType(DataType.DOUBLE);
        MultiLayerNetwork inside = new MultiLayerNetwork(doubles);
        inside.init();
        MultiLayerConfiguration ownLayerConfiguration = EmnistNet.withPoolingLayers(doubles);
        ownLayerConfiguration.setDataType(DataType.DOUBLE);
        MultiLayerNetwork ownLayer = new MultiLayerNetwork(ownLayerConfiguration);
        ownLayer.init(inside.params().dup(), true);
        trainTwoSteps(inside, ownLayer);
        assertThat(ownLayer.params().toDoubleVector()).isEqualTo(inside.params().toDoubleVector());
        assertThat(inside.score()).isEqualTo(ownLayer.score());
    }

    @Test
    void aConfigurationSavedBeforeThePoolingJoinedReadsAsBatchNormAndGeluWithoutIt() {
        String saved = EmnistNet.withPoolingLayers(training).toJson();
        assertThat(saved).doesNotContain("\"maxPoolAfter\" : true");
        MultiLayerConfiguration reloaded = MultiLayerConfiguration.fromJson(saved.replaceAll("\"maxPoolAfter\"\\s*:\\s*false\\s*,?", ""));
        assertThat(layer(reloaded, 3).isMaxPoolAfter()).isFalse();
        assertThat(layer(reloaded, 3).isGeluAfter()).isTrue();
        MultiLayerNetwork network = new MultiLayerNetwork(reloaded);
        network.init();
        assertThat(network.output(halfBlankImages(4, 1)).shape()).containsExactly(4, 10);
    }

    /** Two training steps of each network on the same minibatches and dropout masks. */
    private static void trainTwoSteps(MultiLayerNetwork... networks) {
        for (int step = 0; step < 2; step++) {
            for (MultiLayerNetwork net : networks) {
                // reseeds the random generator: the same dropout masks follow
                INDArray features = halfBlankImages(16, 300 + step).castTo(net.getLayerWiseConfigurations().getDataType());
                INDArray labels = Nd4j.zeros(features.dataType(), 16, 10);
                for (int i = 0; i < 16; i++) {
                    labels.putScalar(i, i % 10, 1);
                }
                net.fit(new DataSet(features, labels));
            }
        }
    }

    /** Random images whose top half is 0, like a blank margin: ties in the pooling windows there. */
    private static INDArray halfBlankImages(int count, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.rand(DataType.FLOAT, count, 1, 28, 28);
        images.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 14), NDArrayIndex.all()).assign(0);
        return images;
    }

    @Test
    void withoutGeluLeavesTheLayerItself() {
        ChannelBatchNormalization fused = layer(training, 1);
        assertThat(fused.withoutGelu().isGeluAfter()).isFalse();
        assertThat(fused.isGeluAfter()).isTrue();
        assertThat(fused.withoutGelu().getCnn2DFormat()).isEqualTo(fused.getCnn2DFormat());
    }
}
