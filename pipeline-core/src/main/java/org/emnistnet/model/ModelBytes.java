package org.emnistnet.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.Sha256;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A serialised model and its SHA-256, small enough to broadcast (EMNISTNet: ~2.5 MB). On an executor,
 * {@link #network()} deserialises it once per JVM and hands each task thread its own copy, because a DL4J network
 * is not safe to use from two threads at once.
 */
public final class ModelBytes implements Serializable {
    private static final Map<String, MultiLayerNetwork> LOADED = new ConcurrentHashMap<>();
    private static final ThreadLocal<Map<String, MultiLayerNetwork>> PER_THREAD = ThreadLocal.withInitial(ConcurrentHashMap::new);

    private final byte[] bytes;
    private final String sha256;

    private ModelBytes(byte[] bytes, String sha256) {
        this.bytes = bytes;
        this.sha256 = sha256;
    }

    public static ModelBytes of(MultiLayerNetwork network) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(network, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        return new ModelBytes(bytes, Sha256.of(bytes));
    }

    /** Bytes of a serialised model from a trusted place (an ML pipeline's own directory). */
    public static ModelBytes fromBytes(byte[] bytes) {
        return new ModelBytes(bytes.clone(), Sha256.of(bytes));
    }

    /**
     * Reads a model file (any Hadoop filesystem) and checks it against its recorded SHA-256 ({@code <file>.sha256}
     * beside it, or {@code expectedSha256} when given): a model whose bytes changed is refused.
     */
    public static ModelBytes read(org.apache.hadoop.fs.Path file, String expectedSha256) {
        if (!org.emnistnet.artifact.AtomicFiles.isFile(file)) {
            throw new EmnistNetException(file + ": model file not found");
        }
        byte[] bytes = org.emnistnet.artifact.Sidecars.readVerified(file, expectedSha256);
        return new ModelBytes(bytes, Sha256.of(bytes));
    }

    public String sha256() {
        return sha256;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** This thread's copy of the inference network (deserialised and laid out NHWC once per JVM). */
    public MultiLayerNetwork network() {
        return PER_THREAD.get().computeIfAbsent(sha256, sha -> LOADED.computeIfAbsent(sha, s -> EmnistNet.forInference(restore())).clone());
    }

    /** Class probabilities {@code (N, classes)} for images {@code (N, 1, 28, 28)} (see {@link EmnistNet#forInference}). */
    public org.nd4j.linalg.api.ndarray.INDArray output(org.nd4j.linalg.api.ndarray.INDArray images) {
        return network().output(images.reshape('c', images.size(0), 28, 28, 1), false);
    }

    private MultiLayerNetwork restore() {
        ComputeBackend.configure();
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
        } catch (IOException e) {
            throw new EmnistNetException("model " + sha256 + " cannot be deserialised: " + e.getMessage(), e);
        }
    }
}
