package org.emnistnet.score;

import org.apache.spark.sql.Row;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.ModelBytes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one inference path (in the spirit of DJL's Translator and Predictor): pixel bytes to the network's input,
 * batched forward passes over a stream of rows, one result per row, in order. Evaluation, batch scoring and the
 * Spark ML model all go through {@link #stream}; nothing else runs a trained network forward.
 *
 * <p>The forward pass is an {@link Engine}'s: ONNX Runtime on the model's ONNX form (the default, the faster on
 * CPUs) or DL4J's folded network. Per executor JVM, each engine keeps the models it has loaded in a small cache
 * keyed by their SHA-256, evicting the least recently used ({@code emnistnet.inference.cachedModels}, default 3).
 */
public final class Inference {
    private Inference() {
    }

    /** {@code (n, 1, 28, 28)} floats in [0, 1] (pixel / 255, as the reference) from 784-byte images. */
    public static INDArray features(List<byte[]> images) {
        return Nd4j.create(featureArray(images), new long[]{images.size(), 1, ImageSchema.SIDE, ImageSchema.SIDE}, 'c');
    }

    /** {@link #features} as the flat array the engines take. */
    static float[] featureArray(List<byte[]> images) {
        float[] features = new float[images.size() * ImageSchema.PIXEL_COUNT];
        for (int i = 0; i < images.size(); i++) {
            byte[] pixels = images.get(i);
            int offset = i * ImageSchema.PIXEL_COUNT;
            for (int p = 0; p < ImageSchema.PIXEL_COUNT; p++) {
                features[offset + p] = (pixels[p] & 0xff) / 255f;
            }
        }
        return features;
    }

    /** Class probabilities by {@code engine}, one row of {@code classes} values per image. */
    public static float[][] probabilities(ModelBytes model, Engine engine, List<byte[]> images) {
        return probabilities(forwardPass(model, engine), images);
    }

    private static float[][] probabilities(ForwardPass pass, List<byte[]> images) {
        return images.isEmpty() ? new float[0][] : pass.probabilities(featureArray(images), images.size());
    }

    /**
     * Streams one result per input row, in order, holding at most one batch: rows are grouped until
     * {@code batchSize} of them have an image, those images run through the network together, and
     * {@code result} gets each row with its probabilities ({@code null} for a row whose {@code pixelsOf} is null,
     * e.g. an image file that could not be decoded).
     */
    public static <T> Iterator<T> stream(Iterator<Row> rows, ModelBytes model, Engine engine, int batchSize,
                                         Function<Row, byte[]> pixelsOf, BiFunction<Row, float[], T> result) {
        ForwardPass pass = forwardPass(model, engine);
        return new Iterator<>() {
            private Iterator<T> batch = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!batch.hasNext() && rows.hasNext()) {
                    batch = nextBatch(rows, pass, batchSize, pixelsOf, result).iterator();
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

    private static <T> List<T> nextBatch(Iterator<Row> rows, ForwardPass pass, int batchSize,
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
        float[][] probabilities = probabilities(pass, images);
        List<T> out = new ArrayList<>(batch.size());
        int image = 0;
        for (int i = 0; i < batch.size(); i++) {
            out.add(result.apply(batch.get(i), pixels.get(i) == null ? null : probabilities[image++]));
        }
        return out;
    }

    /** Models held by this JVM's DL4J cache (for tests of the bound). */
    static int loadedModels() {
        return Dl4jForwardPass.loadedModels();
    }

    private static ForwardPass forwardPass(ModelBytes model, Engine engine) {
        return engine == Engine.ONNX ? OnnxForwardPass.of(model) : Dl4jForwardPass.of(model);
    }
}
