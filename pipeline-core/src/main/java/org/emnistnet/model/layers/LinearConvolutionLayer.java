package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeBackend;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * The layer behind {@link LinearConvolution}: both passes on ND4J's convolution ops (oneDNN) in NHWC, taking and
 * giving {@link ChannelsLast} arrays, which skips the three reorders per pass oneDNN makes around NCHW data. With the
 * identity activation the gradient at the convolution's output is the incoming gradient itself, so backpropagation
 * goes straight to the backward op, where DL4J's own layer first recomputes its output. Other activations, NHWC
 * configurations, weight noise, dropout, biases, other data types and running without the CPU helper are DL4J's code.
 * <p>
 * When {@link LinearConvolution#winogradForward()} is on, the forward pass on maps of
 * {@value #WINOGRAD_MIN_SIDE}x{@value #WINOGRAD_MIN_SIDE} and larger runs as the backward-data pass of the mirrored
 * convolution ({@link WinogradForward}): ND4J's oneDNN asks for its forward convolution in a way that never gets
 * oneDNN's Winograd kernels, while its backward-data op does get them.
 */
final class LinearConvolutionLayer extends ConvolutionLayer {

    LinearConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** A linear NCHW layer without dropout or weight noise, on DL4J's helper: where this class's shortcuts apply. */
    private boolean plainLinearOnHelper() {
        var conf = layerConf();
        return helper != null && conf.getActivationFn() instanceof ActivationIdentity
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getIDropout() == null
                && conf.getWeightNoise() == null;
    }

    /** Smallest map side whose forward pass runs on Winograd: at 7x7 oneDNN's 4x4 tiles cover 8x8 and lose. */
    static final int WINOGRAD_MIN_SIDE = 14;
    private transient WinogradForward winogradForward;

    /** Whether the forward pass of {@code input} runs on {@link WinogradForward}. */
    boolean forwardOnWinograd(INDArray input) {
        var conf = layerConf();
        int[] one = {1, 1};
        return LinearConvolution.winogradForward() && plainLinearOnHelper() && ComputeBackend.hostMemory() && !hasBias()
                && convolutionMode == ConvolutionMode.Same && Arrays.equals(conf.getKernelSize(), new int[] {3, 3}) && Arrays.equals(conf.getStride(), one)
                && Arrays.equals(conf.getDilation(), one) && input.rank() == 4 && input.dataType() == DataType.FLOAT
                && dataType == DataType.FLOAT && input.size(2) >= WINOGRAD_MIN_SIDE && input.size(3) >= WINOGRAD_MIN_SIDE;
    }

    /**
     * Whether this class runs the passes on ND4J's convolution ops in NHWC (channels-last in and out): a float layer
     * without bias on the CPU helper.
     */
    private boolean onChannelsLast(INDArray epsilonOrNull) {
        return plainLinearOnHelper() && ComputeBackend.hostMemory() && !hasBias() && maskArray == null && input.rank() == 4
                && input.dataType() == DataType.FLOAT && dataType == DataType.FLOAT
                && (epsilonOrNull == null || epsilonOrNull.dataType() == DataType.FLOAT);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        if (forwardOnWinograd(input)) {
            validateInputDepth(weights.size(1));
            if (winogradForward == null) {
                winogradForward = new WinogradForward();
            }
            INDArray nchw = HostArrays.contiguous(input);
            INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                    new long[] {nchw.size(0), weights.size(0), nchw.size(2), nchw.size(3)});
            winogradForward.convolve(nchw, weights, output);
            return new Pair<>(output, null);
        }
        if (!onChannelsLast(null)) {
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        validateInputDepth(weights.size(1));
        INDArray in = ChannelsLast.of(input);
        int[] outSize = ConvolutionUtils.getOutputSize(in, layerConf().getKernelSize(), layerConf().getStride(), null,
                convolutionMode, layerConf().getDilation(), CNN2DFormat.NCHW);
        INDArray output = ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATIONS, in, in.size(0), weights.size(0), outSize[0], outSize[1]);
        if (onOneDnn()) {
            OneDnnConvolution.forward(geometry(in, outSize), ChannelsLast.nhwc(in), weights, ChannelsLast.nhwc(output));
            return new Pair<>(output, null);
        }
        Nd4j.exec(DynamicCustomOp.builder("conv2d")
                .addInputs(ChannelsLast.nhwc(in), weights)
                .addOutputs(ChannelsLast.nhwc(output))
                .addIntegerArguments(convolutionArguments(in, outSize))
                .build());
        return new Pair<>(output, null);
    }

    /**
     * Whether the passes run on {@link OneDnnConvolution} (oneDNN called directly, no layout reorders of the
     * activations) rather than ND4J's ops: when its library loaded and the layer is not dilated.
     */
    private boolean onOneDnn() {
        return LinearConvolution.directOneDnn() && OneDnnConvolution.available()
                && Arrays.equals(layerConf().getDilation(), new int[] {1, 1});
    }

    /** The top and left padding: the configured one, or in "same" mode the one that keeps the output size. */
    private int[] padTopLeft(INDArray input, int[] outSize) {
        var conf = layerConf();
        if (convolutionMode != ConvolutionMode.Same) {
            return conf.getPadding();
        }
        int[] inSize = {(int) input.size(2), (int) input.size(3)};
        return ConvolutionUtils.getSameModeTopLeftPadding(outSize, inSize, conf.getKernelSize(), conf.getStride(), conf.getDilation());
    }

    /** This layer's convolution of {@code input} (NCHW-shaped) to an output of {@code outSize}, for oneDNN. */
    private OneDnnConvolution.Geometry geometry(INDArray input, int[] outSize) {
        var conf = layerConf();
        return OneDnnConvolution.Geometry.of(input.size(0), input.size(1), conf.getNOut(), input.size(2), input.size(3),
                outSize[0], outSize[1], conf.getKernelSize(), conf.getStride(), padTopLeft(input, outSize));
    }

    /** ND4J's conv2d / conv2d_bp integer arguments for NHWC data and DL4J's {@code [out, in, kH, kW]} weights. */
    private int[] convolutionArguments(INDArray input, int[] outSize) {
        var conf = layerConf();
        int[] kernel = conf.getKernelSize();
        int[] strides = conf.getStride();
        int[] dilation = conf.getDilation();
        int[] padding = padTopLeft(input, outSize);
        int nhwc = 1;
        int weightsOutInHeightWidth = 1;
        return new int[] {kernel[0], kernel[1], strides[0], strides[1], padding[0], padding[1], dilation[0], dilation[1],
                convolutionMode == ConvolutionMode.Same ? 1 : 0, nhwc, weightsOutInHeightWidth};
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (onChannelsLast(epsilon)) {
            return channelsLastBackprop(epsilon, workspaceMgr);
        }
        return super.backpropGradient(epsilon, workspaceMgr);
    }

    /** Both gradients from ND4J's conv2d_bp in NHWC, the weights' written straight into the network's gradient view. */
    private Pair<Gradient, INDArray> channelsLastBackprop(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = ChannelsLast.of(input);
        INDArray dOut = ChannelsLast.of(epsilon);
        INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray dIn = ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATION_GRAD, in, in.size(0), in.size(1), in.size(2), in.size(3));
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        int[] outSize = {(int) dOut.size(2), (int) dOut.size(3)};
        if (onOneDnn()) {
            OneDnnConvolution.backward(geometry(in, outSize), ChannelsLast.nhwc(in), weights, ChannelsLast.nhwc(dOut),
                    ChannelsLast.nhwc(dIn), weightGradient);
        } else {
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(ChannelsLast.nhwc(in), weights, ChannelsLast.nhwc(dOut))
                    .addOutputs(ChannelsLast.nhwc(dIn), weightGradient)
                    .addIntegerArguments(convolutionArguments(in, outSize))
                    .build());
        }
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradient, 'c');
        return new Pair<>(gradient, dIn);
    }
}
