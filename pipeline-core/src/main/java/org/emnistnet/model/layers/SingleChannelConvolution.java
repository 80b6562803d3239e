package org.emnistnet.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@link ConvolutionLayer} (same parameters and serialised form apart from the class name) for a network's
 * first layer, whose input is a one-channel image: stride-1 "same" convolutions over NCHW float input run as
 * vectorisable Java loops ({@link SingleChannelConvolutionLayer}), and backpropagation skips the gradient with
 * respect to the image, which nothing uses. oneDNN has no fast path for one input channel: this layer took 13 % of
 * a training step for 2 % of its arithmetic. Any other case is DL4J's code.
 */
public class SingleChannelConvolution extends ConvolutionLayer {

    /** For deserialisation. */
    public SingleChannelConvolution() {
        super();
    }

    public SingleChannelConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("SingleChannelConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new SingleChannelConvolutionLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializer(), initializeParams);
    }
}
