package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.runtime.ComputeThreads;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The layer behind {@link SingleChannelConvolution}. Each image is copied once into a zero-padded array; an output
 * channel is then the sum of {@code k * k} shifted, weighted copies of it, and a weight's gradient the sum of the
 * output gradient times the shifted image. Maps are kept in the padded row width so that each tap is one long
 * loop over a float array (the few columns past the edge are computed and dropped). Each tap reads its shifted
 * image from a copy that starts at index 0 ({@link #taps}, made once per image in a training forward pass and kept
 * for its backward pass): Java 17's JIT
 * compiles {@code a[i] += w * b[i]} to SIMD code but not {@code a[i] += w * b[i + shift]}, and the copies made the
 * layer 3x faster (same sums, same order). Images (forward) and groups of output channels (backward) run in parallel.
 * The output is {@link ChannelsLast}, as the next layers want it; the backward pass takes each image's output
 * gradient apart into one padded map per channel, for groups of channels at a time.
 */
final class SingleChannelConvolutionLayer extends ConvolutionLayer {

    /** The last training forward pass's taps, which its backward pass reuses (null otherwise). */
    private float[][][] trainingTaps;
    /**
     * Output channels per task of the backward pass: each task reads every image's gradient and taps once, and
     * keeps its channels' partial sums (channels x taps x positions, ~480 KB at 16) in the core's L2. On one core,
     * 128 images: 16.9 ms at 2 channels, 12.9 at 4, 9.9 at 8, 7.6 at 16 and 32.
     */
    private static final int CHANNELS_PER_GROUP = 16;

    SingleChannelConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean handles() {
        var conf = layerConf();
        int[] kernel = conf.getKernelSize();
        return ComputeBackend.hostMemory() && input != null && input.rank() == 4 && input.dataType() == DataType.FLOAT && conf.getNIn() == 1
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW && conf.getConvolutionMode() == ConvolutionMode.Same
                && kernel[0] == kernel[1] && kernel[0] % 2 == 1 && Arrays.equals(conf.getStride(), new int[]{1, 1})
                && Arrays.equals(conf.getDilation(), new int[]{1, 1}) && conf.getActivationFn() instanceof ActivationIdentity
                && conf.getIDropout() == null && maskArray == null && input.length() < Integer.MAX_VALUE / Math.max(1, conf.getNOut());
    }

    /** The geometry of one forward/backward call. */
    private record Shape4(int images, int channels, int height, int width, int kernel) {
        int pad() {
            return kernel / 2;
        }

        int paddedWidth() {
            return width + 2 * pad();
        }

        /** Padded rows, plus the overhang that the last row's columns past the edge read. */
        int paddedSize() {
            return (height + 2 * pad()) * paddedWidth() + 2 * pad();
        }

        int pixels() {
            return height * width;
        }
    }

    private Shape4 shape() {
        return new Shape4((int) input.size(0), (int) layerConf().getNOut(), (int) input.size(2), (int) input.size(3),
                layerConf().getKernelSize()[0]);
    }

    /**
     * Per image, its {@code k * k} taps: the image in zero-padded rows, shifted by the tap's offset so that it starts
     * at index 0 and covers the output rows ({@code [image][ky * k + kx][height * paddedWidth]}).
     */
    private static float[][][] taps(INDArray images, Shape4 s) {
        INDArray source = HostArrays.contiguous(images);
        FloatBuffer pixels = source.data().asNioFloat();
        int base = (int) source.offset();
        int k = s.kernel();
        float[][][] taps = new float[s.images()][k * k][];
        ComputeThreads.range(0, s.images()).forEach(n -> {
            float[] padded = new float[s.paddedSize()];
            for (int y = 0; y < s.height(); y++) {
                pixels.get(base + n * s.pixels() + y * s.width(), padded, (y + s.pad()) * s.paddedWidth() + s.pad(), s.width());
            }
            for (int tap = 0; tap < k * k; tap++) {
                int shift = tap / k * s.paddedWidth() + tap % k;
                taps[n][tap] = Arrays.copyOfRange(padded, shift, shift + s.height() * s.paddedWidth());
            }
        });
        return taps;
    }

    @Override
    public void clear() {
        super.clear();
        trainingTaps = null;
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        super.setInput(input, workspaceMgr);
        trainingTaps = null; // they belong to the input before
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        trainingTaps = null;
        if (!handles()) {
            return super.activate(training, workspaceMgr);
        }
        Shape4 s = shape();
        float[][][] images = taps(input, s);
        trainingTaps = training ? images : null;
        float[] weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY).dup('c').reshape(-1).toFloatVector(); // [out][ky][kx]
        float[] bias = layerConf().hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY).toFloatVector() : new float[s.channels()];
        INDArray out = ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATIONS, input, s.images(), s.channels(), s.height(), s.width());
        FloatBuffer outBuffer = out.data().asNioFloat();
        int outBase = (int) out.offset();
        int k = s.kernel();
        int c = s.channels();
        int rowLength = s.height() * s.paddedWidth(); // output rows in padded width: one long loop per tap
        ComputeThreads.range(0, s.images()).forEach(n -> {
            float[][] taps = images[n];
            float[] map = new float[rowLength];
            float[] image = ScratchArrays.ofThread(s.pixels() * c).a; // channels-last: pixel by pixel, c channels each
            for (int o = 0; o < c; o++) {
                Arrays.fill(map, bias[o]);
                for (int tap = 0; tap < k * k; tap++) {
                    float w = weights[o * k * k + tap];
                    float[] shifted = taps[tap];
                    for (int i = 0; i < rowLength; i++) {
                        map[i] += w * shifted[i];
                    }
                }
                for (int y = 0, p = o; y < s.height(); y++) {
                    for (int x = 0; x < s.width(); x++, p += c) {
                        image[p] = map[y * s.paddedWidth() + x];
                    }
                }
            }
            outBuffer.put(outBase + n * s.pixels() * c, image, 0, s.pixels() * c);
        });
        return out;
    }

    /**
     * Weight (and bias) gradients only: the returned gradient with respect to the input is null, as DL4J allows
     * for a first layer (the same as its embedding layers). A layer that is not first goes to DL4J's code.
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (getIndex() != 0 || !handles()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        Shape4 s = shape();
        int k = s.kernel();
        float[][][] images = trainingTaps != null && trainingTaps.length == s.images() ? trainingTaps : taps(input, s);
        trainingTaps = null;
        INDArray dOut = ChannelsLast.of(epsilon);
        FloatBuffer dOutBuffer = dOut.data().asNioFloat();
        int dOutBase = (int) dOut.offset();
        int c = s.channels();
        int imageSize = s.pixels() * c;
        float[] weightGradient = new float[c * k * k];
        float[] biasGradient = new float[c];
        int rowLength = s.height() * s.paddedWidth(); // output gradient rows in padded width, zero past the edge
        boolean hasBias = layerConf().hasBias();
        int groups = (c + CHANNELS_PER_GROUP - 1) / CHANNELS_PER_GROUP;
        ComputeThreads.range(0, groups).forEach(group -> {
            int from = group * CHANNELS_PER_GROUP;
            int to = Math.min(c, from + CHANNELS_PER_GROUP);
            float[][] sums = new float[(to - from) * k * k][rowLength]; // per channel and tap, one partial sum per position
            float[][] padded = new float[to - from][rowLength];
            double[] bias = new double[to - from];
            float[] image = ScratchArrays.ofThread(imageSize).a;
            for (int n = 0; n < s.images(); n++) {
                dOutBuffer.get(dOutBase + n * imageSize, image, 0, imageSize);
                for (int o = from; o < to; o++) { // the group's maps out of the channels-last image
                    float[] map = padded[o - from];
                    for (int y = 0, q = o; y < s.height(); y++) {
                        for (int x = 0; x < s.width(); x++, q += c) {
                            map[y * s.paddedWidth() + x] = image[q];
                        }
                    }
                    if (hasBias) { // a serial sum in double: a tenth of the layer's backward pass, for nothing without a bias
                        bias[o - from] += validTotal(map, s);
                    }
                }
                for (int o = from; o < to; o++) {
                    float[] map = padded[o - from];
                    for (int tap = 0; tap < k * k; tap++) {
                        float[] sum = sums[(o - from) * k * k + tap];
                        float[] shifted = images[n][tap];
                        for (int i = 0; i < rowLength; i++) {
                            sum[i] += map[i] * shifted[i];
                        }
                    }
                }
            }
            for (int o = from; o < to; o++) {
                for (int tap = 0; tap < k * k; tap++) {
                    weightGradient[o * k * k + tap] = total(sums[(o - from) * k * k + tap]);
                }
                biasGradient[o] = (float) bias[o - from];
            }
        });
        Gradient gradient = new DefaultGradient();
        if (layerConf().hasBias()) {
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, fill(ConvolutionParamInitializer.BIAS_KEY, biasGradient));
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, fill(ConvolutionParamInitializer.WEIGHT_KEY, weightGradient), 'c');
        return new Pair<>(gradient, null);
    }

    /** The sum of a padded map's valid positions in order, in double, as a float. */
    private static float validTotal(float[] padded, Shape4 s) {
        double sum = 0;
        for (int y = 0; y < s.height(); y++) {
            for (int x = 0; x < s.width(); x++) {
                sum += padded[y * s.paddedWidth() + x];
            }
        }
        return (float) sum;
    }

    private static float total(float[] partial) {
        double sum = 0;
        for (float value : partial) {
            sum += value;
        }
        return (float) sum;
    }

    private INDArray fill(String parameter, float[] values) {
        return HostArrays.fill(gradientViews.get(parameter), values);
    }
}
