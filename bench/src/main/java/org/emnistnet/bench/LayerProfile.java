package org.emnistnet.bench;

import org.emnistnet.model.layers.ChannelBatchNormalization;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training step's time goes. Three timings of the same minibatch: the whole {@code fit(minibatch)}; the
 * network's forward + backward pass alone ({@code computeGradientAndScore}), so that fit minus that is the updater
 * (Adam, weight decay); and each layer's forward and backward pass run on its own (training mode, the same oneDNN
 * helpers), which gives each layer's share of the forward + backward pass. Run layer by layer, without DL4J's
 * workspaces, the layers take longer in total than inside fit, so only their shares are used.
 */
public final class LayerProfile {
    /** Milliseconds per minibatch. */
    public record Entry(int index, String kind, double forwardMs, double backwardMs) {
        public double totalMs() {
            return forwardMs + backwardMs;
        }
    }

    /**
     * @param layers     each layer timed on its own (milliseconds per minibatch)
     * @param fitMs      a whole {@code fit(minibatch)}
     * @param gradientMs forward + backward of the whole network ({@code computeGradientAndScore})
     */
    public record Result(List<Entry> layers, double fitMs, double gradientMs) {
        public double updaterMs() {
            return fitMs - gradientMs;
        }

        /** A layer's share of a fit step: its share of the layer-by-layer total, scaled to forward + backward. */
        public double shareOfFit(Entry layer) {
            double total = layers.stream().mapToDouble(Entry::totalMs).sum();
            return layer.totalMs() / total * gradientMs / fitMs;
        }

        /** Share of a fit step per layer kind (Convolution, BatchNormalization, ...), in layer order. */
        public Map<String, Double> shareByKind() {
            Map<String, Double> kinds = new LinkedHashMap<>();
            layers.forEach(e -> kinds.merge(e.kind(), shareOfFit(e), Double::sum));
            return kinds;
        }
    }

    private LayerProfile() {
    }

    public static Result measure(MultiLayerNetwork network, DataSet batch, int warmup, int repeats) {
        Layer[] layers = network.getLayers();
        double[] forward = new double[layers.length];
        double[] backward = new double[layers.length];
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        int size = (int) batch.getFeatures().size(0);
        for (int i = 0; i < warmup; i++) {
            network.fit(batch); // also sets up the gradient views the layers' backward passes write into
        }
        for (int round = 0; round < warmup + repeats; round++) {
            boolean counted = round >= warmup;
            INDArray x = batch.getFeatures();
            for (int i = 0; i < layers.length; i++) {
                long start = System.nanoTime();
                InputPreProcessor pre = network.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null) {
                    x = pre.preProcess(x, size, workspaces);
                }
                x = layers[i].activate(x, true, workspaces);
                if (counted) {
                    forward[i] += (System.nanoTime() - start) / 1e6;
                }
            }
            ((BaseOutputLayer<?>) layers[layers.length - 1]).setLabels(batch.getLabels());
            INDArray epsilon = null;
            for (int i = layers.length - 1; i >= 0; i--) {
                long start = System.nanoTime();
                Pair<Gradient, INDArray> gradient = layers[i].backpropGradient(epsilon, workspaces);
                epsilon = gradient.getSecond();
                InputPreProcessor pre = network.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null && epsilon != null) {
                    epsilon = pre.backprop(epsilon, size, workspaces);
                }
                if (counted) {
                    backward[i] += (System.nanoTime() - start) / 1e6;
                }
            }
        }
        long start = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            network.fit(batch);
        }
        double fitMs = (System.nanoTime() - start) / 1e6 / repeats;
        network.setInput(batch.getFeatures());
        network.setLabels(batch.getLabels());
        start = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            network.computeGradientAndScore();
        }
        double gradientMs = (System.nanoTime() - start) / 1e6 / repeats;
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            entries.add(new Entry(i, kindOf(layers[i]), forward[i] / repeats, backward[i] / repeats));
        }
        return new Result(entries, fitMs, gradientMs);
    }

    private static String kindOf(Layer layer) {
        var conf = layer.conf().getLayer();
        if (conf instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer activation) {
            return "Activation " + activation.getActivationFn();
        }
        if (conf instanceof ChannelBatchNormalization norm && norm.isGeluAfter()) {
            return "ChannelBatchNormalization + GELU" + (norm.isMaxPoolAfter() ? " + max-pool" : "");
        }
        return conf.getClass().getSimpleName();
    }
}
