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
 * DL4J's {@link ConvolutionLayer} (same parameters, helpers and serialised form apart from the class name) for a
 * convolution without an activation function (EMNISTNet's: BatchNorm and GELU follow, as a layer of their own).
 * DL4J M2.1's backward pass recomputes the layer's forward convolution to feed the activation's derivative, even
 * for the identity, which costs a third of a convolution layer's training time; {@link LinearConvolutionLayer}
 * passes the output gradient straight to the same oneDNN backward op. With {@value #WINOGRAD_FORWARD_PROPERTY}
 * {@code true}, its forward passes on maps of 14x14 and larger run on oneDNN's Winograd kernels
 * ({@link WinogradForward}).
 */
public class LinearConvolution extends ConvolutionLayer {
    /**
     * Set to {@code true} to run the forward passes on 14x14 and larger maps on oneDNN's Winograd kernels: training
     * steps 5-12 % faster, but over 15 epochs 5 seeds ended 0.25 points lower on average (BENCHMARKS.md), so it is off.
     */
    public static final String WINOGRAD_FORWARD_PROPERTY = "emnistnet.winogradForward";
    private static volatile boolean winogradForward = Boolean.getBoolean(WINOGRAD_FORWARD_PROPERTY);

    /** Whether forward passes may run on oneDNN's Winograd kernels (JVM-wide; the system property's value at start). */
    public static boolean winogradForward() {
        return winogradForward;
    }

    /** For logs: which oneDNN kernels this JVM's forward convolutions run on. */
    public static String forwardKernels() {
        int side = LinearConvolutionLayer.WINOGRAD_MIN_SIDE;
        return winogradForward ? "forward convolutions on Winograd (maps of " + side + "x" + side + " and larger)"
                : "forward convolutions direct";
    }

    /** Switches the forward passes of every layer of the JVM, from their next pass on (for same-JVM comparisons). */
    public static void winogradForward(boolean on) {
        winogradForward = on;
    }

    /** For deserialisation. */
    public LinearConvolution() {
        super();
    }

    public LinearConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("LinearConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerWiring.wire(new LinearConvolutionLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializer(), initializeParams);
    }
}
