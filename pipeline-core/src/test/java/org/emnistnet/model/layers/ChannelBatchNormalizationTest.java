package org.emnistnet.model.layers;

import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** BatchNorm with GELU inside, as configurations and checkpoints hold it. */
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
        assertThat(twoLayers.getnLayers()).isEqualTo(oneLayer.getnLayers() + 6);
        assertThat(twoLayers.getLayer(2)).isInstanceOf(GeluLayer.class);
        for (int step = 0; step < 2; step++) {
            for (MultiLayerNetwork net : new MultiLayerNetwork[]{oneLayer, twoLayers}) {
                Nd4j.getRandom().setSeed(300 + step); // the same inputs and dropout masks
                INDArray features = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28);
                INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 10);
                for (int i = 0; i < 16; i++) {
                    labels.putScalar(i, i % 10, 1);
                }
                net.fit(new DataSet(features, labels));
            }
        }
        assertThat(twoLayers.params().toFloatVector()).isEqualTo(oneLayer.params().toFloatVector());
        assertThat(oneLayer.score()).isEqualTo(twoLayers.score());
    }

    @Test
    void withoutGeluLeavesTheLayerItself() {
        ChannelBatchNormalization fused = layer(training, 1);
        assertThat(fused.withoutGelu().isGeluAfter()).isFalse();
        assertThat(fused.isGeluAfter()).isTrue();
        assertThat(fused.withoutGelu().getCnn2DFormat()).isEqualTo(fused.getCnn2DFormat());
    }
}
