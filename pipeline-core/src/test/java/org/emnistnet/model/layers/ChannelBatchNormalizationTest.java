package org.emnistnet.model.layers;

import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
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
    void withoutGeluLeavesTheLayerItself() {
        ChannelBatchNormalization fused = layer(training, 1);
        assertThat(fused.withoutGelu().isGeluAfter()).isFalse();
        assertThat(fused.isGeluAfter()).isTrue();
        assertThat(fused.withoutGelu().getCnn2DFormat()).isEqualTo(fused.getCnn2DFormat());
    }
}
