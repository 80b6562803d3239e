package org.emnistnet.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link BatchNormalization} (same parameters, defaults, running statistics and serialised form apart from
 * the class name and {@code geluAfter}) whose training-mode forward and backward pass over NCHW feature maps run as
 * plain Java passes (over channels-last memory, {@link ChannelBatchNormLayer}). The profile found DL4J's own BatchNorm at a third
 * of a training step, slower than the convolutions around it; everything else (inference, rank-2 input, NHWC) is
 * DL4J's code.
 *
 * <p>With {@code geluAfter} the layer's output is {@code gelu(batchNorm(x))}, GELU computed in the same passes over
 * the activations: these layers are memory-bound, and a separate GELU layer read and wrote every activation once
 * more each way. It is a field of its own rather than the layer's activation because DL4J's BatchNorm ignores
 * its activation, which EMNISTNet's configurations (and checkpoints) therefore hold as DL4J's default, sigmoid.
 * A configuration saved before the field existed reads it as false: BatchNorm, then a GELU layer, as it was.
 *
 * <p>With {@code maxPoolAfter} as well, the output is that map max-pooled ({@link #maxPooling}: 2x2, stride 2,
 * truncating), again inside the same passes: the full-size activation is never written, and the backward pass reads
 * the pooled gradient and the winner of each window instead of a full-size gradient that is three quarters zeros
 * (and DL4J's pooling backward pass, which runs the forward pooling again to find the winners). Ties go to the first
 * of the window in row order, as oneDNN's pooling sends them, so a network trains to the same bits with the pooling
 * as a layer of its own ({@code EmnistNet.withPoolingLayers}). Configurations saved before this field read it as
 * false: BatchNorm + GELU, then a max-pooling layer.
 */
public class ChannelBatchNormalization extends BatchNormalization {
    private boolean geluAfter;
    private boolean maxPoolAfter;

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

    /** BatchNorm, GELU and {@link #maxPooling} as one layer: EMNISTNet's last layer of a convolution block. */
    public static ChannelBatchNormalization followedByGeluAndMaxPooling(CNN2DFormat format) {
        ChannelBatchNormalization layer = followedByGelu(format);
        layer.maxPoolAfter = true;
        return layer;
    }

    /** EMNISTNet's max-pooling: 2x2 windows, stride 2, truncating (an odd last row and column are left out). */
    public static SubsamplingLayer maxPooling(CNN2DFormat format) {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                .dataFormat(format).convolutionMode(ConvolutionMode.Truncate).build();
    }

    public boolean isGeluAfter() {
        return geluAfter;
    }

    public boolean isMaxPoolAfter() {
        return maxPoolAfter;
    }

    /** The same layer without the GELU (and without pooling, which follows the GELU): plain BatchNorm. */
    public ChannelBatchNormalization withoutGelu() {
        ChannelBatchNormalization plain = withoutMaxPooling();
        plain.geluAfter = false;
        return plain;
    }

    /** The same layer without the pooling: what the layer followed by a {@link #maxPooling} layer replaces it with. */
    public ChannelBatchNormalization withoutMaxPooling() {
        ChannelBatchNormalization unpooled = (ChannelBatchNormalization) clone();
        unpooled.maxPoolAfter = false;
        return unpooled;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType normalised = super.getOutputType(layerIndex, inputType);
        return maxPoolAfter ? maxPooling(getCnn2DFormat()).getOutputType(layerIndex, normalised) : normalised;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("ChannelBatchNormalization", getLayerName(), layerIndex, getNOut());
        return LayerWiring.wire(new ChannelBatchNormLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializer(), initializeParams);
    }
}
