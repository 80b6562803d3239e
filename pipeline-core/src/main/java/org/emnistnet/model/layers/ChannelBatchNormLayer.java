package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeBackend;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELUDerivative;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The layer behind {@link ChannelBatchNormalization}: in training mode on rank-4 float input of an NCHW layer (any
 * memory layout; its output and input gradient are {@link ChannelsLast}), forward and backward are
 * {@link ChannelBatchNormKernels} (statistics + scale/shift forward, two passes backward), with the
 * GELU of {@code geluAfter} (and the max-pooling of {@code maxPoolAfter}) inside those passes; anything else goes to
 * DL4J's implementation and, with {@code geluAfter}, ND4J's GELU ops after it (forward) and before it (backward),
 * with {@code maxPoolAfter} DL4J's pooling layer after that. Gradients follow DL4J's
 * conventions exactly: gamma/beta gradients are sums over the minibatch (the updater divides), and the running mean
 * and log10 std get DL4J's "update as gradient" ({@code param - gradient} = the new running value), so averaging
 * and checkpoints see the same parameters as with DL4J's layer.
 */
final class ChannelBatchNormLayer extends BatchNormalization {
    private static final double ONE_ON_2LN10 = 1.0 / (2 * Math.log(10.0));

    /**
     * What the kernels' backward pass needs from their forward pass: the batch statistics, the affine map and, with
     * {@code maxPoolAfter}, the pooling's winners (else null).
     */
    private record KernelPass(ChannelBatchNormKernels.Statistics batch, ChannelBatchNormKernels.Affine affine,
                              ChannelBatchNormKernels.Pooling pooling) {
    }

    /** The last training forward pass's, or null when DL4J's code ran it. */
    private KernelPass pass;
    /** With {@code geluAfter} on DL4J's path: BatchNorm's output, which the GELU's derivative needs. */
    private INDArray normalised;
    /** The pooling's winners, one byte per pooled element: kept from step to step (same minibatch size, same array). */
    private byte[] winners = new byte[0];
    /** With {@code maxPoolAfter} on DL4J's path: DL4J's max-pooling layer, made on first use. */
    private Layer dl4jPooling;

    ChannelBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean geluAfter() {
        return ((ChannelBatchNormalization) layerConf()).isGeluAfter();
    }

    private boolean maxPoolAfter() {
        return ((ChannelBatchNormalization) layerConf()).isMaxPoolAfter();
    }

    /** DL4J's max-pooling layer of {@link ChannelBatchNormalization#maxPooling}, for DL4J's path. */
    private Layer dl4jPooling() {
        if (dl4jPooling == null) {
            NeuralNetConfiguration poolingConf = conf.clone();
            poolingConf.clearVariables();
            poolingConf.setLayer(ChannelBatchNormalization.maxPooling(layerConf().getCnn2DFormat()));
            dl4jPooling = poolingConf.getLayer().instantiate(poolingConf, List.of(), getIndex(), null, false, dataType);
        }
        return dl4jPooling;
    }

    @Override
    public void clear() {
        super.clear();
        if (dl4jPooling != null) {
            dl4jPooling.clear();
        }
    }

    private boolean handles(INDArray x) {
        return ComputeBackend.hostMemory() && x.rank() == 4 && x.dataType() == DataType.FLOAT && layerConf().getCnn2DFormat() == CNN2DFormat.NCHW
                && !layerConf().isLockGammaBeta() && x.length() < Integer.MAX_VALUE;
    }

    private static FloatBuffer buffer(INDArray array) {
        return array.data().asNioFloat();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        pass = null;
        normalised = null;
        if (training && handles(input)) {
            return trainingForward(input, workspaceMgr);
        }
        INDArray out = super.preOutput(input, training ? TrainingMode.TRAIN : TrainingMode.TEST, workspaceMgr);
        if (geluAfter()) {
            normalised = training ? out : null;
            INDArray activated = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, out.dataType(), out.shape(), out.ordering());
            Nd4j.exec(new GELU(out, activated));
            out = activated;
        }
        if (!maxPoolAfter()) {
            return out;
        }
        dl4jPooling().setInput(out, workspaceMgr);
        return dl4jPooling().activate(training, workspaceMgr);
    }

    /** The kernels' view of a rank-4 channels-last array. */
    private static ChannelBatchNormKernels.Shape shapeOf(INDArray x) {
        return new ChannelBatchNormKernels.Shape((int) x.size(0), (int) x.size(1), (int) x.size(2), (int) x.size(3));
    }

    private INDArray trainingForward(INDArray x, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = ChannelsLast.of(x);
        ChannelBatchNormKernels.Shape shape = shapeOf(in);
        int c = shape.c();
        ChannelBatchNormKernels.Statistics batch = ChannelBatchNormKernels.statistics(buffer(in), (int) in.offset(), shape);
        float[] gamma = getParam(BatchNormalizationParamInitializer.GAMMA).toFloatVector();
        float[] beta = getParam(BatchNormalizationParamInitializer.BETA).toFloatVector();
        float[] scale = new float[c];
        float[] offset = new float[c];
        float[] invStd = inverseStd(batch);
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = gamma[ch] * invStd[ch];
            offset[ch] = beta[ch] - batch.mean()[ch] * scale[ch];
        }
        ChannelBatchNormKernels.Pooling pooling = null;
        ChannelBatchNormKernels.Shape outShape = shape;
        if (maxPoolAfter()) {
            outShape = ChannelBatchNormKernels.pooled(shape);
            int pooled = outShape.n() * outShape.imageSize();
            winners = winners.length == pooled ? winners : new byte[pooled];
            pooling = new ChannelBatchNormKernels.Pooling(winners);
        }
        pass = new KernelPass(batch, new ChannelBatchNormKernels.Affine(scale, offset, geluAfter()), pooling);
        INDArray out = ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATIONS, in, outShape.n(), c, outShape.height(), outShape.width());
        ChannelBatchNormKernels.forward(buffer(in), (int) in.offset(), buffer(out), (int) out.offset(), shape, pass.affine(), pooling);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (pass == null) {
            INDArray unpooled = maxPoolAfter() ? dl4jPooling().backpropGradient(epsilon, workspaceMgr).getSecond() : epsilon;
            return super.backpropGradient(geluAfter() ? throughGelu(unpooled, workspaceMgr) : unpooled, workspaceMgr);
        }
        assertInputSet(true);
        INDArray in = ChannelsLast.of(input);
        // the pooled gradient comes from DL4J's dropout layer in NCHW order: the kernel reads that as it is
        boolean nchwPooledGradient = pass.pooling() != null && !ChannelsLast.is(epsilon) && HostArrays.isContiguous(epsilon);
        INDArray dy = nchwPooledGradient ? epsilon : ChannelsLast.of(epsilon);
        ChannelBatchNormKernels.Pooling pooling = nchwPooledGradient ? new ChannelBatchNormKernels.Pooling(pass.pooling().winners(), true) : pass.pooling();
        ChannelBatchNormKernels.Shape shape = shapeOf(in);
        int c = shape.c();
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        INDArray dx = ChannelsLast.create(workspaceMgr, ArrayType.ACTIVATION_GRAD, in, shape.n(), c, shape.height(), shape.width());
        ChannelBatchNormKernels.backward(buffer(in), (int) in.offset(), buffer(dy), (int) dy.offset(), buffer(dx), (int) dx.offset(),
                shape, pass.batch().mean(), inverseStd(pass.batch()), getParam(BatchNormalizationParamInitializer.GAMMA).toFloatVector(),
                dGamma, dBeta, pass.affine(), pooling);

        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, fill(BatchNormalizationParamInitializer.GAMMA, dGamma));
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, fill(BatchNormalizationParamInitializer.BETA, dBeta));
        runningStatisticsUpdates(gradient, pass.batch());
        pass = null;
        return new Pair<>(gradient, dx);
    }

    /** {@code gelu'(normalised) * epsilon}: the gradient of BatchNorm's output on DL4J's path. */
    private INDArray throughGelu(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (normalised == null) {
            throw new IllegalStateException("BatchNorm + GELU: backpropagation needs a training-mode forward pass first");
        }
        INDArray gradient = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, normalised.dataType(), normalised.shape(), normalised.ordering());
        Nd4j.exec(new GELUDerivative(normalised, gradient));
        normalised = null;
        return gradient.muli(epsilon);
    }

    /** {@code 1 / sqrt(variance + eps)} per channel of {@code batch}. */
    private float[] inverseStd(ChannelBatchNormKernels.Statistics batch) {
        float[] inverse = new float[batch.variance().length];
        for (int ch = 0; ch < inverse.length; ch++) {
            inverse[ch] = (float) (1 / Math.sqrt(batch.variance()[ch] + layerConf().getEps()));
        }
        return inverse;
    }

    /**
     * DL4J's running statistics as "gradients" the updater subtracts (their updater is a no-op):
     * {@code mean - newMean = (1 - decay) * (mean - batchMean)} and, for the log10 std parameterisation,
     * {@code log10(std) - log10(newStd)} with {@code newVar = decay * var + (1 - decay) * batchVar}.
     */
    private void runningStatisticsUpdates(Gradient gradient, ChannelBatchNormKernels.Statistics batch) {
        double decay = layerConf().getDecay();
        float[] runningMean = getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).toFloatVector();
        float[] meanUpdate = new float[runningMean.length];
        for (int ch = 0; ch < runningMean.length; ch++) {
            meanUpdate[ch] = (float) ((1 - decay) * (runningMean[ch] - batch.mean()[ch]));
        }
        gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, fill(BatchNormalizationParamInitializer.GLOBAL_MEAN, meanUpdate));
        if (layerConf().isUseLogStd()) {
            float[] log10Std = getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).toFloatVector();
            float[] update = new float[log10Std.length];
            for (int ch = 0; ch < log10Std.length; ch++) {
                double variance = Math.pow(10, 2.0 * log10Std[ch]);
                double next = decay * variance + (1 - decay) * batch.variance()[ch];
                update[ch] = (float) (Math.log(variance / next) * ONE_ON_2LN10);
            }
            gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, fill(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, update));
        } else {
            float[] runningVar = getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).toFloatVector();
            float[] update = new float[runningVar.length];
            for (int ch = 0; ch < runningVar.length; ch++) {
                update[ch] = (float) ((1 - decay) * (runningVar[ch] - batch.variance()[ch]));
            }
            gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_VAR, fill(BatchNormalizationParamInitializer.GLOBAL_VAR, update));
        }
    }

    private INDArray fill(String parameter, float[] values) {
        return HostArrays.fill(gradientViews.get(parameter), values);
    }
}
