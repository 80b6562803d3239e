package org.emnistnet.model;

import org.emnistnet.runtime.ComputeBackend;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.Sha256;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * A serialised model and its SHA-256, small enough to broadcast (EMNISTNet: ~2.5 MB), with its ONNX form when the
 * model came with one ({@code model.onnx}, ~2.4 MB). Executors turn it into a forward pass through
 * {@code org.emnistnet.score.Inference}, which caches by the SHA-256.
 */
public final class ModelBytes implements Serializable {
    private final byte[] bytes;
    private final String sha256;
    private final byte[] onnx; // null: exported in memory when an ONNX engine needs it
    private final String onnxSource;

    private ModelBytes(byte[] bytes, String sha256) {
        this(bytes, sha256, null, null);
    }

    private ModelBytes(byte[] bytes, String sha256, byte[] onnx, String onnxSource) {
        this.bytes = bytes;
        this.sha256 = sha256;
        this.onnx = onnx;
        this.onnxSource = onnxSource;
    }

    /**
     * This model with its ONNX form from {@code source} (a file checked by the caller to be this model's export:
     * {@link OnnxModelFile#read}).
     */
    public ModelBytes withOnnx(byte[] onnxModel, String source) {
        return new ModelBytes(bytes, sha256, onnxModel.clone(), source);
    }

    /** Where the ONNX form came from (a file), or how it is made: for error messages. */
    public String onnxSource() {
        return onnxSource != null ? onnxSource : "the ONNX export of model " + sha256;
    }

    /** The ONNX form the model came with, if any. */
    public java.util.Optional<byte[]> onnx() {
        return java.util.Optional.ofNullable(onnx);
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
        checkIsDl4jModel(file, bytes);
        return new ModelBytes(bytes, Sha256.of(bytes));
    }

    /**
     * A model file that came alone: checked against its {@code .sha256} sidecar when it has one; otherwise the
     * CRC-32 of every zip entry (verified as the entries are read through) is the integrity check there is.
     */
    public static ModelBytes readAlone(org.apache.hadoop.fs.Path file) {
        if (org.emnistnet.artifact.Sidecars.hasSidecar(file) || !org.emnistnet.artifact.AtomicFiles.isFile(file)) {
            return read(file, null);
        }
        byte[] bytes = org.emnistnet.artifact.AtomicFiles.read(file);
        checkIsDl4jModel(file, bytes);
        return new ModelBytes(bytes, Sha256.of(bytes));
    }

    /**
     * The most any entry of a model file may inflate to. EMNISTNet's largest entry, its parameters, is ~4 MB (under
     * a million floats); a zip entry that inflates to gigabytes (a "zip bomb", or a file that is no model of ours)
     * would otherwise be inflated into memory by DL4J, and end in an OutOfMemoryError.
     */
    static final long MAX_ENTRY_BYTES = 64L << 20;

    /**
     * On the driver, before any work: a zip whose checksum matches may still be no model (a file copied over the
     * wrong one, its model.json edited to match); without this it would fail in every executor's first task.
     * Every entry is inflated once, into nothing, and at most to {@link #MAX_ENTRY_BYTES}.
     */
    private static void checkIsDl4jModel(org.apache.hadoop.fs.Path file, byte[] bytes) {
        java.util.Set<String> entries = new java.util.HashSet<>();
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (java.util.zip.ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.add(entry.getName());
                if (inflatesBeyond(zip, MAX_ENTRY_BYTES)) {
                    throw new EmnistNetException(file + ": not a model of this project: its entry " + entry.getName()
                            + " inflates to more than " + (MAX_ENTRY_BYTES >> 20) + " MiB (an EMNISTNet model's largest"
                            + " entry, its parameters, is about 4 MB); refusing to load it");
                }
            }
        } catch (IOException e) {
            throw new EmnistNetException(file + ": not a DL4J model (not a readable zip: " + e.getMessage() + ")", e);
        }
        if (!entries.containsAll(java.util.List.of("configuration.json", "coefficients.bin"))) {
            throw new EmnistNetException(file + ": not a DL4J model (a zip without configuration.json and"
                    + " coefficients.bin; it holds " + entries.stream().sorted().limit(5).toList() + ")");
        }
    }

    /** Reads the current entry through, into nothing, and says whether it holds more than {@code limit} bytes. */
    private static boolean inflatesBeyond(java.io.InputStream entry, long limit) throws IOException {
        for (long left = limit; left > 0; ) {
            long skipped = entry.skip(left);
            if (skipped <= 0) {
                return false;
            }
            left -= skipped;
        }
        return entry.read() >= 0;
    }

    public String sha256() {
        return sha256;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** A new network from the bytes (with its training configuration; no updater state). */
    public MultiLayerNetwork restore() {
        ComputeBackend.configure();
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
        } catch (IOException | RuntimeException e) { // DL4J reports a configuration it cannot read unchecked
            throw new EmnistNetException("model " + sha256 + " cannot be deserialised: " + e.getMessage(), e);
        }
    }
}
