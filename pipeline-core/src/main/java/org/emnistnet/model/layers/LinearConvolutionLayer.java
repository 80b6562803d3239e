package org.emnistnet.model.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer behind {@link LinearConvolution}: with the identity activation the gradient at the convolution's
 * output is the incoming gradient itself, so backpropagation hands it to DL4J's convolution helper (oneDNN's
 * backward op) exactly as DL4J's own layer does after recomputing its output. Forward passes, other activations,
 * NHWC, weight noise, dropout and running without a helper are DL4J's code.
 */
final class LinearConvolutionLayer extends ConvolutionLayer {

    LinearConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean handles(INDArray epsilon) {
        var conf = layerConf();
        return helper != null && conf.getActivationFn() instanceof ActivationIdentity
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getIDropout() == null
                && conf.getWeightNoise() == null && maskArray == null
                && input.dataType() == dataType && epsilon.dataType() == dataType;
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
