package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeThreads;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.emnistnet.model.layers.OneDnnMemory.check;

/**
 * A float convolution without bias on oneDNN's primitives, called directly (JavaCPP's {@code org.bytedeco:dnnl}),
 * with the activations and their gradients in NHWC and DL4J's {@code [out, in, kH, kW]} weights.
 * <p>
 * Why not ND4J's {@code conv2d} / {@code conv2d_bp} ops, which run the same kernels: an op cannot keep anything
 * between calls, so its backward pass reorders the output gradient to oneDNN's blocked layout once per primitive
 * (twice), and the input gradient's buffer once before overwriting it as well as after. Here the forward pass runs on
 * the NHWC arrays as they are, and the backward passes reorder each array once ({@link OneDnnPrimitives.Backward}): the same kernels
 * and the same bits as ND4J's ops, with two fewer full-size reorders per layer and step.
 * <p>
 * oneDNN runs on the OpenMP runtime ND4J loaded (one {@code libgomp} per process), so {@code ComputeThreads}' limit
 * applies to it as to ND4J's ops. Primitives are built per geometry and thread count and kept in a process-wide pool
 * with their scratchpads and the blocked buffers of the backward passes (~100 MB a set for EMNISTNet's five layers
 * at 128 images; one set per thread that runs a layer at the same time); a call has its set to itself. Keeping them
 * across threads matters: Spark runs each averaging round's task on whichever pooled thread is free, and building
 * them again per thread cost a 2-worker cluster ~15 % of its rate.
 */
final class OneDnnConvolution {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnConvolution.class);
    private static final Engine ENGINE = Engine.load();
    private static final Pool POOL = new Pool();

    private OneDnnConvolution() {
    }

    /**
     * A convolution's shape: {@code images} NHWC inputs of {@code height x width x in} to outputs of
     * {@code outHeight x outWidth x out}, a {@code kernelHeight x kernelWidth} kernel with its strides, no dilation,
     * and the padding on each side that gives those output sizes. Plain numbers, so that the record's own equality
     * keys the pool.
     */
    record Geometry(long images, long in, long out, long height, long width, long outHeight, long outWidth,
                    long kernelHeight, long kernelWidth, long strideHeight, long strideWidth,
                    long padTop, long padLeft, long padBottom, long padRight) {
        /** The padding at the bottom and right is what the output size needs beyond the top-left padding. */
        static Geometry of(long images, long in, long out, long height, long width, long outHeight, long outWidth,
                           int[] kernel, int[] stride, int[] padTopLeft) {
            long padBottom = (outHeight - 1) * stride[0] + kernel[0] - height - padTopLeft[0];
            long padRight = (outWidth - 1) * stride[1] + kernel[1] - width - padTopLeft[1];
            return new Geometry(images, in, out, height, width, outHeight, outWidth, kernel[0], kernel[1],
                    stride[0], stride[1], padTopLeft[0], padTopLeft[1], padBottom, padRight);
        }

        long[] inputDims() {
            return new long[] {images, in, height, width};
        }

        long[] outputDims() {
            return new long[] {images, out, outHeight, outWidth};
        }

        long[] weightDims() {
            return new long[] {out, in, kernelHeight, kernelWidth};
        }

        long[] strides() {
            return new long[] {strideHeight, strideWidth};
        }

        long[] padTopLeft() {
            return new long[] {padTop, padLeft};
        }

        long[] padBottomRight() {
            return new long[] {padBottom, padRight};
        }
    }

    /** Whether oneDNN's library loaded on this machine (an x86-64 Linux); when not, callers use ND4J's ops. */
    static boolean available() {
        return ENGINE.engine != null;
    }

    /** {@code output = conv(input, weights)}: input and output c-ordered NHWC, weights c-ordered {@code [out, in, kH, kW]}. */
    static void forward(Geometry geometry, INDArray input, INDArray weights, INDArray output) {
        withPrimitives(geometry, p -> {
            p.userWeights.point(weights);
            p.input.point(input);
            p.output.point(output);
            p.forwardWeights.stage();
            p.forward.execute(DNNL_ARG_SRC, p.input, DNNL_ARG_WEIGHTS, p.forwardWeights.staged, DNNL_ARG_DST, p.output);
        });
    }

    /**
     * Both gradients of {@link #forward}: {@code inputGradient} (NHWC, overwritten) and {@code weightGradient}
     * ({@code [out, in, kH, kW]}, overwritten) from the gradient at the output.
     */
    static void backward(Geometry geometry, INDArray input, INDArray weights, INDArray outputGradient,
                         INDArray inputGradient, INDArray weightGradient) {
        withPrimitives(geometry, p -> {
            OneDnnPrimitives.Backward b = p.backward();
            p.userWeights.point(weights);
            b.inputGradient.point(inputGradient);
            b.dataWeights.stage();
            b.outputGradient.point(outputGradient);
            b.dataOutputGradient.stage();
            b.data.execute(DNNL_ARG_DIFF_DST, b.dataOutputGradient.staged, DNNL_ARG_WEIGHTS, b.dataWeights.staged,
                    DNNL_ARG_DIFF_SRC, b.dataInputGradient.staged);
            b.dataInputGradient.unstage();
            weightGradient(p, b, input, weightGradient, !b.weightsOutputGradient.shared); // else the data pass staged it
        });
    }

    /** The weight gradient of {@link #forward} alone: what a first layer needs (nothing uses its input's gradient). */
    static void backwardWeights(Geometry geometry, INDArray input, INDArray outputGradient, INDArray weightGradient) {
        withPrimitives(geometry, p -> {
            OneDnnPrimitives.Backward b = p.backward();
            b.outputGradient.point(outputGradient);
            weightGradient(p, b, input, weightGradient, true);
        });
    }

    private static void weightGradient(OneDnnPrimitives p, OneDnnPrimitives.Backward b, INDArray input, INDArray weightGradient, boolean stageOutputGradient) {
        p.input.point(input);
        b.userWeightGradient.point(weightGradient);
        b.weightsInput.stage();
        if (stageOutputGradient) {
            b.weightsOutputGradient.stage();
        }
        b.weights.execute(DNNL_ARG_SRC, b.weightsInput.staged, DNNL_ARG_DIFF_DST, b.weightsOutputGradient.staged,
                DNNL_ARG_DIFF_WEIGHTS, b.weightGradient.staged);
        b.weightGradient.unstage();
    }

    /**
     * Runs {@code work} on primitives of {@code geometry} built for the calling thread's OpenMP thread count (oneDNN
     * sizes its scratchpads for it), checked out of the process's pool for the call and returned after it, so that
     * no two threads use one set at once and a new thread (Spark's task threads come and go) finds them built.
     */
    private static void withPrimitives(Geometry geometry, Consumer<OneDnnPrimitives> work) {
        if (!available()) {
            throw new IllegalStateException("oneDNN is not available on this machine: " + ENGINE.whyNot);
        }
        Key key = new Key(geometry, ComputeThreads.openMpThreads());
        OneDnnPrimitives p = POOL.checkOut(key);
        if (p == null) {
            p = new OneDnnPrimitives(geometry, ENGINE.engine);
        }
        boolean done = false;
        try {
            work.accept(p);
            done = true;
        } finally {
            if (done) {
                POOL.checkIn(key, p);
            } else {
                p.close(); // a failed call may have left it half-staged
            }
        }
    }

    /** Primitives are built for a geometry and the number of OpenMP threads they will run on. */
    private record Key(Geometry geometry, int threads) {
    }

    /**
     * The idle primitives, per key, at most {@value #KEYS} keys (a training run meets two or three minibatch sizes per
     * layer: the full one, an epoch's last, the evaluation's); the least recently used key's are freed.
     */
    static final class Pool {
        static final int KEYS = 32;
        private final LinkedHashMap<Key, ArrayDeque<OneDnnPrimitives>> idle = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, ArrayDeque<OneDnnPrimitives>> eldest) {
                if (size() > KEYS) {
                    eldest.getValue().forEach(OneDnnPrimitives::close);
                    return true;
                }
                return false;
            }
        };

        synchronized OneDnnPrimitives checkOut(Key key) {
            ArrayDeque<OneDnnPrimitives> free = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            return free.pollFirst();
        }

        synchronized void checkIn(Key key, OneDnnPrimitives primitives) {
            ArrayDeque<OneDnnPrimitives> free = idle.get(key);
            if (free == null) { // its key was freed while it was out
                primitives.close();
            } else {
                free.addFirst(primitives);
            }
        }
    }

    /** The process's CPU engine, or why oneDNN could not be loaded. */
    private record Engine(dnnl_engine engine, String whyNot) {
        static Engine load() {
            try {
                Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                dnnl_engine engine = new dnnl_engine();
                check(dnnl_engine_create(engine, dnnl_cpu, 0), "dnnl_engine_create");
                return new Engine(engine, null);
            } catch (Throwable failed) { // UnsatisfiedLinkError, NoClassDefFoundError off linux-x86_64
                LOG.warn("oneDNN (org.bytedeco:dnnl) did not load, convolutions use ND4J's ops: {}", failed.toString());
                return new Engine(null, failed.toString());
            }
        }
    }
}
