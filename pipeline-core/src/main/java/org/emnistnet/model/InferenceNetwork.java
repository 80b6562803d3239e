package org.emnistnet.model;

import org.emnistnet.model.layers.ChannelBatchNormalization;
import org.emnistnet.model.layers.GeluActivationLayer;
import org.emnistnet.runtime.ComputeBackend;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

/**
 * A trained EMNISTNet rebuilt for inference only (in memory, never saved):
 * <ul>
 *   <li>every BatchNorm is folded into the layer before it: {@code W' = W * gamma / std} per output channel and
 *   {@code b' = (b - mean) * gamma / std + beta}, so a convolution (or the dense layer) followed by BatchNorm
 *   becomes one convolution with a bias — one pass over each feature map fewer. GELU stays a layer of its own,
 *   {@link GeluActivationLayer}: its Java kernel is ~3x faster than ND4J's GELU as a fused activation (measured:
 *   folding with ND4J's GELU fused into the convolutions scored 13 % slower than not folding);</li>
 *   <li>dropout layers are left out (they are the identity at inference);</li>
 *   <li>the feature maps are laid out NHWC, which oneDNN convolves without the layout reorders NCHW needs (~1.6x
 *   here). Inputs keep their bytes: with one channel, {@code (N, 1, 28, 28)} and {@code (N, 28, 28, 1)} are the
 *   same array. The first dense layer's input rows are permuted from (channel, row, column) to (row, column,
 *   channel) order to match.</li>
 * </ul>
 * Outputs equal the trained network's within float rounding (a test checks 1e-4 on real data).
 */
public final class InferenceNetwork {
    private InferenceNetwork() {
    }

    /** The folded NHWC network for {@code trained} (an {@link EmnistNet} in any of its layer variants). */
    public static MultiLayerNetwork of(MultiLayerNetwork trained) {
        ComputeBackend.configure();
        List<INDArray[]> folded = foldedWeightsAndBiases(trained);
        int firstDense = convolutions(trained);
        folded.set(firstDense, new INDArray[]{channelsLast(folded.get(firstDense)[0]), folded.get(firstDense)[1]});
        MultiLayerNetwork network = new MultiLayerNetwork(configuration(folded));
        network.init();
        int next = 0;
        for (Layer layer : network.getLayers()) {
            if (layer.numParams() > 0) {
                layer.setParam("W", folded.get(next)[0]);
                layer.setParam("b", folded.get(next)[1]);
                next++;
            }
        }
        return network;
    }

    /**
     * (W, b) of each weighted layer of {@code trained} in order, with the BatchNorm after it folded in, in the
     * trained network's layouts: convolution weights (out, in, kh, kw), dense weights (in, out) with the first dense
     * layer's rows in (channel, row, column) order, biases (1, out). Also the source of the ONNX export.
     */
    static List<INDArray[]> foldedWeightsAndBiases(MultiLayerNetwork trained) {
        List<INDArray[]> folded = new ArrayList<>();
        Layer[] layers = trained.getLayers();
        for (int i = 0; i < layers.length; i++) {
            var conf = layers[i].conf().getLayer();
            if (conf instanceof BatchNormalization || layers[i].numParams() == 0) {
                continue;
            }
            boolean convolution = conf instanceof ConvolutionLayer;
            INDArray weights = layers[i].getParam("W").dup();
            INDArray bias = layers[i].paramTable().containsKey("b") ? layers[i].getParam("b").dup().reshape(-1)
                    : Nd4j.zeros(weights.dataType(), convolution ? weights.size(0) : weights.size(1));
            if (i + 1 < layers.length && layers[i + 1].conf().getLayer() instanceof BatchNormalization norm) {
                INDArray scale = scale(layers[i + 1], norm);
                // Convolution weights are (out, in, kh, kw): scale along dimension 0; dense weights are (in, out).
                weights = convolution
                        ? weights.reshape('c', weights.size(0), -1).mulColumnVector(scale.reshape(-1, 1)).reshape('c', weights.shape())
                        : weights.mulRowVector(scale.reshape(1, -1));
                INDArray mean = layers[i + 1].getParam("mean").reshape(-1);
                INDArray beta = layers[i + 1].getParam("beta").reshape(-1);
                bias = bias.sub(mean).muli(scale).addi(beta);
            }
            folded.add(new INDArray[]{weights, bias.reshape(1, -1)});
        }
        return folded;
    }

    /**
     * {@code gamma / sqrt(var + eps)} per channel, as DL4J's BatchNorm computes at inference. With the log-std
     * storage (the default), DL4J keeps {@code log10(std)} and still divides by {@code sqrt(std^2 + eps)}: folding
     * with {@code std} alone is off by up to 3e-4 in the probabilities of the committed model (measured).
     */
    private static INDArray scale(Layer layer, BatchNormalization norm) {
        INDArray gamma = layer.getParam("gamma").reshape(-1);
        INDArray variance;
        if (layer.paramTable().containsKey("log10stdev")) {
            INDArray std = Transforms.pow(Nd4j.valueArrayOf(gamma.shape(), 10.0, gamma.dataType()),
                    layer.getParam("log10stdev").reshape(-1), false);
            variance = std.mul(std);
        } else {
            variance = layer.getParam("var").reshape(-1).dup();
        }
        return gamma.div(Transforms.sqrt(variance.addi(norm.getEps()), false));
    }

    private static int convolutions(MultiLayerNetwork trained) {
        int count = 0;
        for (Layer layer : trained.getLayers()) {
            count += layer.conf().getLayer() instanceof ConvolutionLayer && layer.numParams() > 0 ? 1 : 0;
        }
        return count;
    }

    /** The first dense layer's rows from (channel, row, column) to (row, column, channel) order. */
    private static INDArray channelsLast(INDArray weights) {
        long channels = EmnistNet.CHANNELS[EmnistNet.CHANNELS.length - 1];
        long side = Math.round(Math.sqrt(weights.size(0) / (double) channels));
        long out = weights.size(1);
        return weights.reshape('c', channels, side, side, out).permute(1, 2, 0, 3).dup('c').reshape('c', weights.size(0), out);
    }

    private static org.deeplearning4j.nn.conf.MultiLayerConfiguration configuration(List<INDArray[]> folded) {
        CNN2DFormat nhwc = CNN2DFormat.NHWC;
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .convolutionMode(ConvolutionMode.Same)
                .list();
        int convolution = 0;
        for (int channels : EmnistNet.CHANNELS) {
            for (int conv = 0; conv < 2; conv++) {
                INDArray weights = folded.get(convolution++)[0];
                layers.layer(new ConvolutionLayer.Builder(3, 3).nIn(weights.size(1)).nOut(channels).hasBias(true)
                        .dataFormat(nhwc).activation(Activation.IDENTITY).build());
                layers.layer(new GeluActivationLayer());
            }
            layers.layer(ChannelBatchNormalization.maxPooling(nhwc));
        }
        INDArray head = folded.get(convolution)[0];
        INDArray output = folded.get(convolution + 1)[0];
        layers.layer(new DenseLayer.Builder().nOut(head.size(1)).activation(Activation.IDENTITY).build());
        layers.layer(new GeluActivationLayer());
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(output.size(1))
                .activation(Activation.SOFTMAX).build());
        return layers.setInputType(InputType.convolutional(28, 28, 1, nhwc)).build();
    }
}
