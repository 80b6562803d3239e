package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeBackend;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * The layer behind {@link LinearConvolution}: with the identity activation the gradient at the convolution's
 * output is the incoming gradient itself, so backpropagation hands it to DL4J's convolution helper (oneDNN's
 * backward op) exactly as DL4J's own layer does after recomputing its output. Other activations, NHWC, weight noise,
 * dropout, biases and running without a helper are DL4J's code.
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

    private boolean handles(INDArray epsilon) {
        return plainLinearOnHelper() && maskArray == null && input.dataType() == dataType && epsilon.dataType() == dataType;
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

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!forwardOnWinograd(input)) {
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        validateInputDepth(weights.size(1));
        if (winogradForward == null) {
            winogradForward = new WinogradForward();
        }
        INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {input.size(0), weights.size(0), input.size(2), input.size(3)});
        winogradForward.convolve(input, weights, output);
        return new Pair<>(output, null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!handles(epsilon)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        var conf = layerConf();
        int[] kernel = conf.getKernelSize();
        int[] strides = conf.getStride();
        int[] dilation = conf.getDilation();
        int[] padding = conf.getPadding();
        if (convolutionMode == ConvolutionMode.Same) {
            int[] outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, null, convolutionMode, dilation, CNN2DFormat.NCHW);
            int[] inSize = {(int) input.size(2), (int) input.size(3)};
            padding = ConvolutionUtils.getSameModeTopLeftPadding(outSize, inSize, kernel, strides, dilation);
        }
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray bias = hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : zeroBias();
        INDArray biasGradient = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : dummyBiasGradient();
        Pair<Gradient, INDArray> result = helper.backpropGradient(input, weights, bias, epsilon, kernel, strides, padding,
                biasGradient, gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY), conf.getActivationFn(),
                conf.getCudnnAlgoMode(), conf.getCudnnBwdFilterAlgo(), conf.getCudnnBwdDataAlgo(), convolutionMode,
                dilation, CNN2DFormat.NCHW, workspaceMgr);
        if (result == null) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        if (!hasBias()) { // the helper reports the placeholder's gradient too: not a parameter of this layer
            result.getFirst().gradientForVariable().remove(ConvolutionParamInitializer.BIAS_KEY);
        }
        return result;
    }

    /** The zero bias DL4J's helper is given when the layer has none (as DL4J's own layer keeps one). */
    private INDArray zeroBias() {
        if (dummyBias == null) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                dummyBias = Nd4j.create(dataType, 1, layerConf().getNOut());
            }
        }
        return dummyBias;
    }

    /** The bias gradient DL4J's helper writes into when the layer has no bias (as DL4J's own layer keeps one). */
    private INDArray dummyBiasGradient() {
        if (dummyBiasGrad == null) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                dummyBiasGrad = Nd4j.create(dataType, 1, layerConf().getNOut());
            }
        }
        return dummyBiasGrad;
    }
}
