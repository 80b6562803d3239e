package org.emnistnet.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link BatchNormalization} (same parameters, defaults, running statistics and serialised form apart from
 * the class name and {@code geluAfter}) whose training-mode forward and backward pass over NCHW feature maps run as
 * plain Java passes per channel ({@link ChannelBatchNormLayer}). The profile found DL4J's own BatchNorm at a third
 * of a training step, slower than the convolutions around it; everything else (inference, rank-2 input, NHWC) is
 * DL4J's code.
 *
 * <p>With {@code geluAfter} the layer's output is {@code gelu(batchNorm(x))}, GELU computed in the same passes over
 * the activations: these layers are memory-bound, and a separate GELU layer read and wrote every activation once
 * more each way. It is a field of its own rather than the layer's activation because DL4J's BatchNorm ignores
 * its activation, which EMNISTNet's configurations (and checkpoints) therefore hold as DL4J's default, sigmoid.
 * A configuration saved before the field existed reads it as false: BatchNorm, then a GELU layer, as it was.
 */
public class ChannelBatchNormalization extends BatchNormalization {
    private boolean geluAfter;

    /** Reference defaults (decay 0.9, eps 1e-5, learned gamma and beta, log-std running variance). */
    public ChannelBatchNormalization() {
        super();
    }

    public static ChannelBatchNormalization of(CNN2DFormat format) {
        ChannelBatchNormalization layer = new ChannelBatchNormalization();
        layer.setCnn2DFormat(format);
        return layer;
    }

    /** BatchNorm and then GELU ({@link GeluActivationLayer}'s function) as one layer. */
    public static ChannelBatchNormalization followedByGelu(CNN2DFormat format) {
        ChannelBatchNormalization layer = of(format);
        layer.geluAfter = true;
        return layer;
    }

    public boolean isGeluAfter() {
        return geluAfter;
    }

    /** The same layer without the GELU: what a BatchNorm layer followed by a GELU layer replaces it with. */
    public ChannelBatchNormalization withoutGelu() {
        ChannelBatchNormalization plain = (ChannelBatchNormalization) clone();
        plain.geluAfter = false;
        return plain;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("ChannelBatchNormalization", getLayerName(), layerIndex, getNOut());
        return LayerWiring.wire(new ChannelBatchNormLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializer(), initializeParams);
    }
}
