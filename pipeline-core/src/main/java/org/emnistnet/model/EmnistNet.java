package org.emnistnet.model;

import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.model.layers.SingleChannelConvolution;
import org.emnistnet.model.layers.LinearConvolution;
import org.emnistnet.model.layers.ChannelBatchNormalization;
import org.emnistnet.model.layers.GeluActivationLayer;
import org.emnistnet.model.layers.StatelessDropout;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * EMNISTNet: {@code (N, 1, 28, 28) -> (N, classes)} softmax probabilities.
 *
 * <pre>
 * 3 blocks of [conv 3x3 (same) -> BatchNorm -> GELU] x 2 -> max-pool 2x2 -> dropout, with 32, 64, 128 channels
 *   28x28 -> 14x14 -> 7x7 -> 3x3 (truncating pooling, as the reference)
 * dense 1152 -> 256 -> BatchNorm -> GELU -> dropout -> dense 256 -> classes, softmax
 * </pre>
 * Convolutions have no bias (BatchNorm follows). The conv blocks' BatchNorm + GELU is one
 * {@link ChannelBatchNormalization} layer: DL4J's BatchNorm with a faster training pass and the GELU inside it (same
 * parameters and maths), and the block's max-pooling inside its second one; {@link #withPoolingLayers} and
 * {@link #withGeluLayers} split them again, {@link #withStockLayers} into DL4J's BatchNorm, GELU and pooling layers.
 * BatchNorm's activation setting is ignored by DL4J M2.1, hence the head's separate GELU layer. GELU is
 * ND4J's sigmoid form {@code x * sigmoid(1.702 x)}, within 0.02 of PyTorch's exact GELU (ND4J's
 * "precise" GELU is further away still: 1.921 at x = 2, where the exact value is 1.954). The optimiser is
 * {@link OneCycleAdam} (beta1 cycled with the learning rate, as PyTorch's {@code OneCycleLR} does); weights start as
 * PyTorch's do. Weight decay is decoupled ({@code WeightDecay(applyLR=true)}, i.e. AdamW) and set per
 * layer on weights only: set globally, DL4J would apply it twice and to BatchNorm too. {@code dropOut(p)} in DL4J
 * takes the keep probability, hence {@code 1 - p}.
 */
public final class EmnistNet {
    static final int[] CHANNELS = {32, 64, 128};
    private static final int HEAD_WIDTH = 256;
    /** Index of the first dense layer in the training network (after 3 blocks of 5 layers). */
    public static final int FIRST_DENSE = 15;

    private EmnistNet() {
    }

    /**
     * The training network. NCHW as DL4J sees it (checkpoints and {@code model.zip} keep that layout); the fast
     * training layers hand each other NHWC memory behind the NCHW shape, which is what their speed wants. Inference
     * uses {@link InferenceNetwork}, NHWC.
     */
    public static MultiLayerConfiguration configuration(int classes, TrainingRecipe recipe, OneCycleSchedule schedule) {
        CNN2DFormat format = CNN2DFormat.NCHW;
        // Mutable lists: dl4j-spark ships configurations with Kryo, which cannot rebuild List.of(...)
        List<Regularization> decay = new ArrayList<>();
        if (recipe.weightDecay() > 0) {
            decay.add(new WeightDecay(recipe.weightDecay(), true));
        }
        double[] dropout = recipe.dropout();
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(recipe.seed())
                .updater(new OneCycleAdam(schedule))
                // U(-1/sqrt(fanIn), 1/sqrt(fanIn)): PyTorch's default for Conv2d and Linear. He's normal init (DL4J's
                // RELU) is 2.45x larger; ahead of BatchNorm that scales every Adam step down by the same factor
                // relative to the weights, and the net underfitted (training loss 0.79 against PyTorch's 0.65).
                .weightInit(WeightInit.UNIFORM)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .convolutionMode(ConvolutionMode.Same)
                .list();
        int in = 1;
        for (int block = 0; block < CHANNELS.length; block++) {
            for (int conv = 0; conv < 2; conv++) {
                ConvolutionLayer.Builder convolution = (ConvolutionLayer.Builder) new ConvolutionLayer.Builder(3, 3).nIn(in).nOut(CHANNELS[block])
                        .hasBias(false).dataFormat(format).activation(Activation.IDENTITY).regularization(decay);
                layers.layer(in == 1 ? new SingleChannelConvolution(convolution) : new LinearConvolution(convolution));
                layers.layer(conv == 0 ? ChannelBatchNormalization.followedByGelu(format)
                        : ChannelBatchNormalization.followedByGeluAndMaxPooling(format));
                in = CHANNELS[block];
            }
            layers.layer(dropoutLayer(1 - dropout[block]));
        }
        layers.layer(new DenseLayer.Builder().nOut(HEAD_WIDTH).activation(Activation.IDENTITY).regularization(decay).build());
        layers.layer(new BatchNormalization.Builder().build());
        layers.layer(new GeluActivationLayer());
        layers.layer(dropoutLayer(1 - dropout[3]));
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).regularization(decay).build());
        return layers.setInputType(InputType.convolutional(28, 28, 1, format)).build();
    }

    /** A dropout layer keeping activations with probability {@code keep}, by {@link StatelessDropout}. */
    private static DropoutLayer dropoutLayer(double keep) {
        return new DropoutLayer.Builder().dropOut(new StatelessDropout(keep)).build();
    }

    /**
     * The same network with DL4J's stock layers in place of the fast training layers ({@link SingleChannelConvolution},
     * {@link LinearConvolution}, {@link ChannelBatchNormalization}, {@link GeluActivationLayer}), a BatchNorm + GELU
     * (+ max-pooling) layer becoming a BatchNorm layer, an activation layer (and a pooling layer): the same parameters
     * (in the same order) and maths, for serving and comparisons (tests, benchmarks).
     */
    public static MultiLayerConfiguration withStockLayers(MultiLayerConfiguration configuration) {
        String json = withGeluLayers(configuration).toJson()
                .replace(SingleChannelConvolution.class.getName(), ConvolutionLayer.class.getName())
                .replace(LinearConvolution.class.getName(), ConvolutionLayer.class.getName())
                .replace(ChannelBatchNormalization.class.getName(), BatchNormalization.class.getName())
                .replace(GeluActivationLayer.class.getName(), ActivationLayer.class.getName());
        return MultiLayerConfiguration.fromJson(json);
    }

    /**
     * Each BatchNorm + GELU + max-pooling layer as a BatchNorm + GELU layer and DL4J's max-pooling layer: the layout
     * of checkpoints saved before the pooling joined (same parameters, same bits when trained).
     */
    public static MultiLayerConfiguration withPoolingLayers(MultiLayerConfiguration fused) {
        return split(fused, norm -> norm.isMaxPoolAfter()
                ? List.of(norm.withoutMaxPooling(), ChannelBatchNormalization.maxPooling(norm.getCnn2DFormat())) : List.of(norm));
    }

    /**
     * Each BatchNorm + GELU (+ max-pooling) layer as a BatchNorm layer and a GELU layer (and a max-pooling layer):
     * the layout of checkpoints saved before the two were one layer, and the first step of {@link #withStockLayers}.
     */
    public static MultiLayerConfiguration withGeluLayers(MultiLayerConfiguration fused) {
        return split(withPoolingLayers(fused), norm -> norm.isGeluAfter()
                ? List.of(norm.withoutGelu(), new GeluActivationLayer()) : List.of(norm));
    }

    /**
     * {@code fused} with each {@link ChannelBatchNormalization} replaced by the layers {@code parts} gives for it,
     * the first of which keeps the layer's parameters (input pre-processors move with their layers).
     */
    private static MultiLayerConfiguration split(MultiLayerConfiguration fused,
                                                 Function<ChannelBatchNormalization, List<Layer>> parts) {
        List<NeuralNetConfiguration> layers = new ArrayList<>();
        Map<Integer, InputPreProcessor> preProcessors = new HashMap<>();
        for (int i = 0; i < fused.getConfs().size(); i++) {
            if (fused.getInputPreProcess(i) != null) {
                preProcessors.put(layers.size(), fused.getInputPreProcess(i).clone());
            }
            NeuralNetConfiguration layer = fused.getConf(i).clone();
            layers.add(layer);
            if (layer.getLayer() instanceof ChannelBatchNormalization norm) {
                List<Layer> replacements = parts.apply(norm);
                layer.setLayer(replacements.get(0));
                for (Layer next : replacements.subList(1, replacements.size())) {
                    NeuralNetConfiguration added = layer.clone();
                    added.clearVariables();
                    added.setLayer(next);
                    layers.add(added);
                }
            }
        }
        MultiLayerConfiguration split = fused.clone();
        split.setConfs(layers);
        split.setInputPreProcessors(preProcessors);
        return split;
    }

    /**
     * The trained network as it is saved for serving: DL4J's stock layers ({@link #withStockLayers}), DL4J's dropout
     * in place of {@link StatelessDropout} (dropout does nothing at inference), and Adam at the
     * schedule's final learning rate instead of {@link OneCycleSchedule}, so that its configuration names only
     * DL4J's classes and any DL4J 1.0.0-M2.1 loads it without this project's jar. Same parameters, same outputs.
     * (Checkpoints keep the training configuration: {@code --resume} needs the schedule.)
     */
    public static MultiLayerNetwork forServing(MultiLayerNetwork trained) {
        // DL4J's Dropout has StatelessDropout's one field, p
        MultiLayerConfiguration configuration = MultiLayerConfiguration.fromJson(withStockLayers(trained.getLayerWiseConfigurations())
                .toJson().replace(StatelessDropout.class.getName(), Dropout.class.getName()));
        for (NeuralNetConfiguration layer : configuration.getConfs()) {
            if (layer.getLayer() instanceof BaseLayer base) {
                base.setIUpdater(withoutSchedule(base.getIUpdater()));
                if (base.getBiasUpdater() != null) {
                    base.setBiasUpdater(withoutSchedule(base.getBiasUpdater()));
                }
            }
        }
        MultiLayerNetwork serving = new MultiLayerNetwork(configuration);
        serving.init(trained.params().dup(), false);
        return serving;
    }

    private static IUpdater withoutSchedule(IUpdater updater) {
        if (updater instanceof Adam adam && adam.getLearningRateSchedule() instanceof OneCycleSchedule schedule) {
            return new Adam(schedule.valueAt(schedule.totalSteps(), 0), schedule.momentumAt(schedule.totalSteps()),
                    adam.getBeta2(), adam.getEpsilon());
        }
        return updater;
    }

    /** A new, initialised network. */
    public static MultiLayerNetwork create(int classes, TrainingRecipe recipe, OneCycleSchedule schedule) {
        ComputeBackend.configure();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration(classes, recipe, schedule));
        network.init();
        return network;
    }
}
