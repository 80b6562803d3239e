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
 * the class name) whose training-mode forward and backward pass over NCHW feature maps run as plain Java passes
 * per channel ({@link ChannelBatchNormLayer}). The profile found DL4J's own BatchNorm at a third of a training
 * step, slower than the convolutions around it; everything else (inference, rank-2 input, NHWC) is DL4J's code.
 */
public class ChannelBatchNormalization extends BatchNormalization {

    /** Reference defaults (decay 0.9, eps 1e-5, learned gamma and beta, log-std running variance). */
    public ChannelBatchNormalization() {
        super();
    }

    public static ChannelBatchNormalization of(CNN2DFormat format) {
        ChannelBatchNormalization layer = new ChannelBatchNormalization();
        layer.setCnn2DFormat(format);
        return layer;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("ChannelBatchNormalization", getLayerName(), layerIndex, getNOut());
        return LayerWiring.wire(new ChannelBatchNormLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializer(), initializeParams);
    }
}
