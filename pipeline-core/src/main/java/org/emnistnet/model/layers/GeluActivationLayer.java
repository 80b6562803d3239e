package org.emnistnet.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's {@code ActivationLayer(GELU)} (the same function: ND4J's sigmoid-approximated GELU and its derivative)
 * without DL4J's copies: DL4J's activation layer duplicates its input before applying the activation in place,
 * and again on the way back; {@link GeluLayer} writes each result straight into a new array.
 */
public class GeluActivationLayer extends ActivationLayer {

    public GeluActivationLayer() {
        super(Activation.GELU);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(new GeluLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializer(), initializeParams);
    }
}
