package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeBackend;

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
 * passes the output gradient straight to oneDNN's backward passes, which it calls directly ({@link OneDnnConvolution})
 * where that library loads, else through ND4J's op. With {@value #WINOGRAD_FORWARD_PROPERTY}
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

    /**
     * Set to {@code false} to run the convolutions on ND4J's ops rather than on oneDNN called directly
     * ({@link OneDnnConvolution}): the same kernels and the same results, with more layout reorders. For comparisons,
     * and a way out should the second oneDNN library misbehave on some machine.
     */
    public static final String DIRECT_ONEDNN_PROPERTY = "emnistnet.directOneDnn";
    private static volatile boolean directOneDnn = !"false".equals(System.getProperty(DIRECT_ONEDNN_PROPERTY));

    /** Whether the convolutions call oneDNN directly where its library loaded (JVM-wide; the property's value at start). */
    public static boolean directOneDnn() {
        return directOneDnn;
    }

    /** Switches between oneDNN called directly and ND4J's ops, from every layer's next pass on (same-JVM comparisons). */
    public static void directOneDnn(boolean on) {
        directOneDnn = on;
    }

    /** For logs: which oneDNN kernels this JVM's forward convolutions run on, and through which library. */
    public static String forwardKernels() {
        int side = LinearConvolutionLayer.WINOGRAD_MIN_SIDE;
        String kernels = winogradForward ? "forward convolutions on Winograd (maps of " + side + "x" + side + " and larger)"
                : "forward convolutions direct";
        boolean direct = directOneDnn && ComputeBackend.hostMemory() && OneDnnConvolution.available();
        return kernels + (direct ? ", oneDNN called directly" : ", ND4J's convolution ops");
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
