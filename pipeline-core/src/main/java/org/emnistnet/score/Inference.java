package org.emnistnet.score;

import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.runtime.GpuPinning;
import org.emnistnet.model.InferenceNetwork;
import org.emnistnet.model.ModelBytes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one inference path (in the spirit of DJL's Translator and Predictor): pixel bytes to the network's input,
 * batched forward passes over a stream of rows, one result per row, in order. Evaluation, batch scoring and the
 * Spark ML model all go through {@link #stream}; nothing else calls the network's {@code output}.
 *
 * <p>Per executor JVM, a model is deserialised and folded for inference ({@link InferenceNetwork}) once and kept
 * in a small cache keyed by its SHA-256, evicting the least recently used: a long-lived JVM (a notebook kernel,
 * a training driver that validates every epoch's weights) does not grow with every model it has seen. A DL4J
 * network must not be used from two threads at once, so each task thread gets its own copy, also from a bounded
 * cache.
 */
public final class Inference {
    /** Models kept per JVM, and per task thread. */
    static final int CACHED_MODELS = Integer.getInteger("emnistnet.inference.cachedModels", 3);
    private static final Map<String, MultiLayerNetwork> LOADED = leastRecentlyUsed(CACHED_MODELS);
    private static final ThreadLocal<Map<String, MultiLayerNetwork>> PER_THREAD =
            ThreadLocal.withInitial(() -> leastRecentlyUsed(CACHED_MODELS));

    private Inference() {
    }

    /** {@code (n, 1, 28, 28)} floats in [0, 1] (pixel / 255, as the reference) from 784-byte images. */
    public static INDArray features(List<byte[]> images) {
        float[] features = new float[images.size() * ImageSchema.PIXEL_COUNT];
        for (int i = 0; i < images.size(); i++) {
            byte[] pixels = images.get(i);
            for (int p = 0; p < ImageSchema.PIXEL_COUNT; p++) {
                features[i * ImageSchema.PIXEL_COUNT + p] = (pixels[p] & 0xff) / 255f;
            }
        }
        return Nd4j.create(features, new long[]{images.size(), 1, ImageSchema.SIDE, ImageSchema.SIDE}, 'c');
    }

    /** Class probabilities, one row of {@code classes} values per image. */
    public static float[][] probabilities(ModelBytes model, List<byte[]> images) {
        float[][] rows = new float[images.size()][];
        if (images.isEmpty()) {
            return rows;
        }
        // One channel: (n, 1, 28, 28) and the NHWC network's (n, 28, 28, 1) are the same bytes.
        INDArray input = features(images).reshape('c', images.size(), ImageSchema.SIDE, ImageSchema.SIDE, 1);
        float[] values = network(model).output(input, false).data().asFloat();
        int classes = values.length / images.size();
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(values, i * classes, (i + 1) * classes);
        }
        return rows;
    }

    /**
     * Streams one result per input row, in order, holding at most one batch: rows are grouped until
     * {@code batchSize} of them have an image, those images run through the network together, and
     * {@code result} gets each row with its probabilities ({@code null} for a row whose {@code pixelsOf} is null,
     * e.g. an image file that could not be decoded).
     */
    public static <T> Iterator<T> stream(Iterator<Row> rows, ModelBytes model, int batchSize,
                                         Function<Row, byte[]> pixelsOf, BiFunction<Row, float[], T> result) {
        GpuPinning.pinToAssignedGpu();
        return new Iterator<>() {
            private Iterator<T> batch = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!batch.hasNext() && rows.hasNext()) {
                    batch = nextBatch(rows, model, batchSize, pixelsOf, result).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.next();
            }
        };
    }

    private static <T> List<T> nextBatch(Iterator<Row> rows, ModelBytes model, int batchSize,
                                         Function<Row, byte[]> pixelsOf, BiFunction<Row, float[], T> result) {
        List<Row> batch = new ArrayList<>(batchSize);
        List<byte[]> pixels = new ArrayList<>(batchSize);
        List<byte[]> images = new ArrayList<>(batchSize);
        while (rows.hasNext() && images.size() < batchSize) {
            Row row = rows.next();
            byte[] image = pixelsOf.apply(row);
            batch.add(row);
            pixels.add(image);
            if (image != null) {
                images.add(image);
            }
        }
        float[][] probabilities = probabilities(model, images);
        List<T> out = new ArrayList<>(batch.size());
        int image = 0;
        for (int i = 0; i < batch.size(); i++) {
            out.add(result.apply(batch.get(i), pixels.get(i) == null ? null : probabilities[image++]));
        }
        return out;
    }

    /** This thread's copy of the folded inference network of {@code model}. */
    static MultiLayerNetwork network(ModelBytes model) {
        return PER_THREAD.get().computeIfAbsent(model.sha256(), sha -> loaded(model).clone());
    }

    private static MultiLayerNetwork loaded(ModelBytes model) {
        synchronized (LOADED) {
            MultiLayerNetwork network = LOADED.get(model.sha256());
            if (network == null) {
                network = InferenceNetwork.of(model.restore());
                LOADED.put(model.sha256(), network);
            }
            return network;
        }
    }

    /** Models held by this JVM's shared cache (for tests of the bound). */
    static int loadedModels() {
        synchronized (LOADED) {
            return LOADED.size();
        }
    }

    private static <V> Map<String, V> leastRecentlyUsed(int capacity) {
        return new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
