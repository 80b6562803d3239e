package org.emnistnet.score;

import org.emnistnet.EmnistNetException;

import java.util.Arrays;
import java.util.Locale;

/**
 * What runs a model's forward pass, behind the one inference path ({@link Inference}). Both take the same
 * trained model and give the same probabilities (within 1e-4 on the committed model: a test).
 */
public enum Engine {
    /** ONNX Runtime on the model's ONNX export ({@code model.onnx}, or exported in memory from {@code model.zip}). */
    ONNX,
    /** DL4J's folded, NHWC inference network ({@code org.emnistnet.model.InferenceNetwork}). */
    DL4J;

    /**
     * The faster on CPUs, measured (BENCHMARKS.md, "Current figures"): scoring the committed model's test split on
     * local[2], ONNX Runtime 1.37x DL4J's folded network in the same rounds (medians of 3).
     */
    public static final Engine DEFAULT = ONNX;
    /** {@link #DEFAULT}'s name, for option annotations (a test keeps the two equal). */
    public static final String DEFAULT_NAME = "onnx";

    /** {@code onnx} or {@code dl4j}, any case. */
    public static Engine named(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EmnistNetException("engine '" + name + "': expected one of " + Arrays.toString(names()));
        }
    }

    /** The names users write: {@code onnx}, {@code dl4j}. */
    public static String[] names() {
        return Arrays.stream(values()).map(Engine::toString).toArray(String[]::new);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
