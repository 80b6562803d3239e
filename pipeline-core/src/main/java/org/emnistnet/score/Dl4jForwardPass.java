package org.emnistnet.score;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.InferenceNetwork;
import org.emnistnet.model.ModelBytes;
import org.emnistnet.runtime.GpuPinning;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Map;

/**
 * DL4J's folded NHWC network. A DL4J network must not be used from two threads at once, so each thread gets its
 * own copy of the JVM's folded network, from a bounded cache.
 */
final class Dl4jForwardPass implements ForwardPass {
    private static final Map<String, MultiLayerNetwork> LOADED = ModelCache.leastRecentlyUsed();
    private static final ThreadLocal<Map<String, MultiLayerNetwork>> PER_THREAD =
            ThreadLocal.withInitial(ModelCache::leastRecentlyUsed);
    private final MultiLayerNetwork network;

    private Dl4jForwardPass(MultiLayerNetwork network) {
        this.network = network;
    }

    /** This thread's forward pass of {@code model}. */
    static Dl4jForwardPass of(ModelBytes model) {
        GpuPinning.pinToAssignedGpu();
        return new Dl4jForwardPass(PER_THREAD.get().computeIfAbsent(model.sha256(), sha -> loaded(model).clone()));
    }

    @Override
    public float[][] probabilities(float[] features, int n) {
        // One channel: (n, 1, 28, 28) and the NHWC network's (n, 28, 28, 1) are the same bytes.
        float[] values = network.output(Nd4j.create(features, new long[]{n, ImageSchema.SIDE, ImageSchema.SIDE, 1}, 'c'), false)
                .data().asFloat();
        int classes = values.length / n;
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(values, i * classes, (i + 1) * classes);
        }
        return rows;
    }

    private static MultiLayerNetwork loaded(ModelBytes model) {
        synchronized (LOADED) {
            return LOADED.computeIfAbsent(model.sha256(), sha -> InferenceNetwork.of(model.restore()));
        }
    }

    static int loadedModels() {
        synchronized (LOADED) {
            return LOADED.size();
        }
    }
}
