package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeThreads;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * A float convolution without bias on oneDNN's primitives, called directly (JavaCPP's {@code org.bytedeco:dnnl}),
 * with the activations and their gradients in NHWC and DL4J's {@code [out, in, kH, kW]} weights.
 * <p>
 * Why not ND4J's {@code conv2d} / {@code conv2d_bp} ops, which run the same kernels: an op cannot keep anything
 * between calls, so its backward pass reorders the output gradient to oneDNN's blocked layout once per primitive
 * (twice), and the input gradient's buffer once before overwriting it as well as after. Here the forward pass runs on
 * the NHWC arrays as they are, and the backward passes reorder each array once ({@link Backward}): the same kernels
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
     * {@code outHeight x outWidth x out}, a {@code kernel} with {@code stride}, no dilation, and the padding on each
     * side (top, left, bottom, right) that gives those output sizes.
     */
    record Geometry(long images, long in, long out, long height, long width, long outHeight, long outWidth,
                    long[] kernel, long[] stride, long[] padTopLeft, long[] padBottomRight) {
        /** The padding at the bottom and right that the output size needs beyond the top-left padding. */
        static Geometry of(long images, long in, long out, long height, long width, long outHeight, long outWidth,
                           int[] kernel, int[] stride, int[] padTopLeft) {
            long[] k = {kernel[0], kernel[1]};
            long[] s = {stride[0], stride[1]};
            long[] topLeft = {padTopLeft[0], padTopLeft[1]};
            long[] bottomRight = {(outHeight - 1) * s[0] + k[0] - height - topLeft[0],
                    (outWidth - 1) * s[1] + k[1] - width - topLeft[1]};
            return new Geometry(images, in, out, height, width, outHeight, outWidth, k, s, topLeft, bottomRight);
        }

        long[] inputDims() {
            return new long[] {images, in, height, width};
        }

        long[] outputDims() {
            return new long[] {images, out, outHeight, outWidth};
        }

        long[] weightDims() {
            return new long[] {out, in, kernel[0], kernel[1]};
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Geometry g && images == g.images && in == g.in && out == g.out && height == g.height
                    && width == g.width && outHeight == g.outHeight && outWidth == g.outWidth
                    && Arrays.equals(kernel, g.kernel) && Arrays.equals(stride, g.stride)
                    && Arrays.equals(padTopLeft, g.padTopLeft) && Arrays.equals(padBottomRight, g.padBottomRight);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new long[] {images, in, out, height, width, outHeight, outWidth, kernel[0], kernel[1],
                    stride[0], stride[1], padTopLeft[0], padTopLeft[1], padBottomRight[0], padBottomRight[1]});
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
            Backward b = p.backward();
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
            Backward b = p.backward();
            b.outputGradient.point(outputGradient);
            weightGradient(p, b, input, weightGradient, true);
        });
    }

    private static void weightGradient(Primitives p, Backward b, INDArray input, INDArray weightGradient, boolean stageOutputGradient) {
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
    private static void withPrimitives(Geometry geometry, java.util.function.Consumer<Primitives> work) {
        if (!available()) {
            throw new IllegalStateException("oneDNN is not available on this machine: " + ENGINE.whyNot);
        }
        Key key = new Key(geometry, ComputeThreads.openMpThreads());
        Primitives p = POOL.checkOut(key);
        if (p == null) {
            p = new Primitives(geometry, ENGINE.engine);
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
        private final LinkedHashMap<Key, java.util.ArrayDeque<Primitives>> idle = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, java.util.ArrayDeque<Primitives>> eldest) {
                if (size() > KEYS) {
                    eldest.getValue().forEach(Primitives::close);
                    return true;
                }
                return false;
            }
        };

        synchronized Primitives checkOut(Key key) {
            java.util.ArrayDeque<Primitives> free = idle.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
            return free.pollFirst();
        }

        synchronized void checkIn(Key key, Primitives primitives) {
            java.util.ArrayDeque<Primitives> free = idle.get(key);
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

    /**
     * One geometry's forward primitive and the memory it runs on, and its backward primitives once a backward pass
     * asks for them. Everything native is freed by {@link #close}.
     * <p>
     * The forward pass runs the direct kernel on the NHWC arrays themselves: oneDNN's kernel for NHWC, no reorder.
     */
    private static final class Primitives implements AutoCloseable {
        private final Geometry geometry;
        private final dnnl_engine engine;
        private final dnnl_stream stream = new dnnl_stream();
        private final List<Runnable> releases = new ArrayList<>();
        private final dnnl_memory_desc_t inputDesc;
        private final dnnl_memory_desc_t outputDesc;
        private final dnnl_memory_desc_t userWeightsDesc;
        final Pass forward;
        final Memory input;
        final Memory output;
        final Memory userWeights;
        final Staged forwardWeights;
        private Backward backward;

        Primitives(Geometry g, dnnl_engine engine) {
            this.geometry = g;
            this.engine = engine;
            check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "dnnl_stream_create");
            releases.add(() -> dnnl_stream_destroy(stream));
            inputDesc = descriptor(g.inputDims(), dnnl_nhwc);
            outputDesc = descriptor(g.outputDims(), dnnl_nhwc);
            userWeightsDesc = descriptor(g.weightDims(), dnnl_oihw);
            dnnl_convolution_desc_t forwardDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_forward_desc_init(forwardDesc, dnnl_forward_training, dnnl_convolution_direct, inputDesc,
                    anyLayout(g.weightDims()), null, outputDesc, g.stride(), g.padTopLeft(), g.padBottomRight()), "forward descriptor");
            forward = pass(forwardDesc, null, "forward");
            input = memory(inputDesc);
            output = memory(outputDesc);
            userWeights = memory(userWeightsDesc);
            forwardWeights = new Staged(userWeights, forward.query(dnnl_query_weights_md), null);
        }

        Backward backward() {
            if (backward == null) {
                backward = new Backward(this);
            }
            return backward;
        }

        @Override
        public void close() {
            for (int i = releases.size() - 1; i >= 0; i--) {
                releases.get(i).run();
            }
            releases.clear();
        }

        private Memory memory(dnnl_memory_desc_t desc) {
            Memory memory = new Memory(desc);
            releases.add(memory::close);
            return memory;
        }

        /** A memory with a buffer of its own, in the layout {@code queried}. */
        private Memory owned(dnnl_memory_desc_t queried) {
            Memory memory = Memory.owned(queried, engine);
            releases.add(memory::close);
            return memory;
        }

        private dnnl_primitive_attr userScratchpad() {
            dnnl_primitive_attr attributes = new dnnl_primitive_attr();
            check(dnnl_primitive_attr_create(attributes), "dnnl_primitive_attr_create");
            releases.add(() -> dnnl_primitive_attr_destroy(attributes));
            // Scratchpad owned here, per thread: a library-managed one could be shared between threads
            check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "scratchpad mode");
            return attributes;
        }

        dnnl_primitive_desc primitiveDesc(dnnl_convolution_desc_t desc, dnnl_primitive_desc hint, String what) {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(desc), userScratchpad(), engine, hint), what);
            releases.add(() -> dnnl_primitive_desc_destroy(pd));
            return pd;
        }

        /** A convolution pass. */
        Pass pass(dnnl_convolution_desc_t desc, dnnl_primitive_desc hint, String what) {
            return new Pass(primitiveDesc(desc, hint, what), what);
        }

        /** A reorder from one layout to another, run on {@code from} and {@code to}. */
        private Runnable reorder(Memory from, Memory to) {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            check(dnnl_reorder_primitive_desc_create(pd, from.desc, engine, to.desc, engine, userScratchpad()), "reorder descriptor");
            releases.add(() -> dnnl_primitive_desc_destroy(pd));
            Pass reorder = new Pass(pd, "reorder");
            return () -> reorder.execute(DNNL_ARG_FROM, from, DNNL_ARG_TO, to);
        }

        /** One primitive with its scratchpad. */
        final class Pass {
            private final dnnl_primitive_desc pd;
            private final dnnl_primitive primitive = new dnnl_primitive();
            private final Memory scratchpad;
            private dnnl_exec_arg_t args;

            Pass(dnnl_primitive_desc pd, String what) {
                this.pd = pd;
                check(dnnl_primitive_create(primitive, pd), "dnnl_primitive_create (" + what + ")");
                releases.add(() -> dnnl_primitive_destroy(primitive));
                scratchpad = owned(query(dnnl_query_scratchpad_md));
            }

            dnnl_memory_desc_t query(int what) {
                return dnnl_primitive_desc_query_md(pd, what, 0);
            }

            /** Runs the primitive on (argument kind, memory) pairs and its scratchpad, and waits for it. */
            void execute(Object... kindsAndMemories) {
                int count = kindsAndMemories.length / 2;
                if (args == null) { // one native array per pass, not one per call (JavaCPP checks its memory limits on each)
                    args = new dnnl_exec_arg_t(count + 1);
                    releases.add(args::close);
                }
                for (int i = 0; i < count; i++) {
                    Memory memory = (Memory) kindsAndMemories[2 * i + 1];
                    memory.create(engine);
                    args.position(i).arg((Integer) kindsAndMemories[2 * i]).memory(memory.memory);
                }
                args.position(count).arg(DNNL_ARG_SCRATCHPAD).memory(scratchpad.memory);
                check(dnnl_primitive_execute(primitive, stream, count + 1, args.position(0)), "dnnl_primitive_execute");
                check(dnnl_stream_wait(stream), "dnnl_stream_wait");
            }
        }

        /**
         * An array as a primitive wants it: the array's own memory when the layouts agree, else a buffer in the
         * primitive's layout and the reorders to it ({@link #stage}, for inputs) and from it ({@link #unstage}, for
         * outputs); {@code same}'s buffer and reorders when it stages the same array to the same layout.
         */
        final class Staged {
            final Memory staged;
            /** Whether the buffer is {@code same}'s, so that staging one stages both. */
            final boolean shared;
            private final Runnable toStaged;
            private final Runnable fromStaged;

            Staged(Memory user, dnnl_memory_desc_t wanted, Staged same) {
                shared = same != null && same.toStaged != null && dnnl_memory_desc_equal(same.staged.desc, wanted) != 0;
                if (dnnl_memory_desc_equal(user.desc, wanted) != 0) {
                    staged = user;
                    toStaged = null;
                    fromStaged = null;
                } else if (shared) {
                    staged = same.staged;
                    toStaged = same.toStaged;
                    fromStaged = same.fromStaged;
                } else {
                    staged = owned(wanted);
                    toStaged = reorder(user, staged);
                    fromStaged = reorder(staged, user);
                }
            }

            void stage() {
                if (toStaged != null) {
                    toStaged.run();
                }
            }

            void unstage() {
                if (fromStaged != null) {
                    fromStaged.run();
                }
            }
        }
    }

    /**
     * A geometry's backward passes. They are left the algorithm and layouts oneDNN prefers, as ND4J's op leaves
     * them, because on these CPUs that is its Winograd kernel ({@code jit_wino_4x3}) in a blocked layout, faster
     * than any NHWC kernel even after the reorders (one core, 128 images, the five layers: 101 ms of kernels against
     * 135 ms in NHWC; they are also the kernels ND4J's op runs, so the results are the same bits). Unlike ND4J's op,
     * each reorder happens once: the output gradient is staged once for both passes when they want the same layout,
     * and the input gradient is written into the blocked buffer and reordered once, not also before.
     */
    private static final class Backward {
        final Primitives.Pass data;
        final Primitives.Pass weights;
        final Memory inputGradient;
        final Memory outputGradient;
        final Memory userWeightGradient;
        final Primitives.Staged dataWeights;
        final Primitives.Staged dataOutputGradient;
        final Primitives.Staged dataInputGradient;
        final Primitives.Staged weightsInput;
        final Primitives.Staged weightsOutputGradient;
        final Primitives.Staged weightGradient;

        Backward(Primitives p) {
            Geometry g = p.geometry;
            dnnl_memory_desc_t anyInput = anyLayout(g.inputDims());
            dnnl_memory_desc_t anyOutput = anyLayout(g.outputDims());
            dnnl_memory_desc_t anyWeights = anyLayout(g.weightDims());
            // The backward passes' hint: the forward pass as oneDNN would choose it, layouts and algorithm its own
            dnnl_convolution_desc_t hintDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_forward_desc_init(hintDesc, dnnl_forward_training, dnnl_convolution_auto, anyInput,
                    anyWeights, null, anyOutput, g.stride(), g.padTopLeft(), g.padBottomRight()), "hint descriptor");
            dnnl_primitive_desc hint = p.primitiveDesc(hintDesc, null, "backward passes' hint");
            dnnl_convolution_desc_t dataDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_data_desc_init(dataDesc, dnnl_convolution_auto, anyInput, anyWeights,
                    anyOutput, g.stride(), g.padTopLeft(), g.padBottomRight()), "backward-data descriptor");
            data = p.pass(dataDesc, hint, "backward data");
            dnnl_convolution_desc_t weightsDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_weights_desc_init(weightsDesc, dnnl_convolution_auto, anyInput, anyWeights,
                    null, anyOutput, g.stride(), g.padTopLeft(), g.padBottomRight()), "backward-weights descriptor");
            weights = p.pass(weightsDesc, hint, "backward weights");
            inputGradient = p.memory(p.inputDesc);
            outputGradient = p.memory(p.outputDesc);
            userWeightGradient = p.memory(p.userWeightsDesc);
            dataWeights = p.new Staged(p.userWeights, data.query(dnnl_query_weights_md), null);
            dataOutputGradient = p.new Staged(outputGradient, data.query(dnnl_query_diff_dst_md), null);
            dataInputGradient = p.new Staged(inputGradient, data.query(dnnl_query_diff_src_md), null);
            weightsInput = p.new Staged(p.input, weights.query(dnnl_query_src_md), null);
            weightsOutputGradient = p.new Staged(outputGradient, weights.query(dnnl_query_diff_dst_md), dataOutputGradient);
            weightGradient = p.new Staged(userWeightGradient, weights.query(dnnl_query_diff_weights_md), null);
        }
    }

    /**
     * A oneDNN memory object over a descriptor, pointing at an ND4J array's elements ({@link #point}) or at a buffer
     * of its own ({@link #owned}).
     */
    private static final class Memory implements AutoCloseable {
        private static final long ALIGNMENT = 4096;
        final dnnl_memory_desc_t desc;
        final dnnl_memory memory = new dnnl_memory();
        private Pointer buffer;
        private BytePointer ownBuffer;
        private boolean created;

        Memory(dnnl_memory_desc_t desc) {
            this.desc = desc;
        }

        /**
         * A memory with a buffer of its own, in the layout {@code queried} (copied: it lives in a primitive's
         * descriptor), aligned to a page. oneDNN's kernels may store to their buffers with instructions that need
         * alignment (the Winograd backward-weights kernel does: a general-protection fault on a Spark executor when
         * its scratchpad was where malloc put it, 16-byte aligned).
         */
        static Memory owned(dnnl_memory_desc_t queried, dnnl_engine engine) {
            dnnl_memory_desc_t copy = new dnnl_memory_desc_t();
            Pointer.memcpy(copy, queried, copy.sizeof());
            Memory memory = new Memory(copy);
            BytePointer raw = new BytePointer(Math.max(dnnl_memory_desc_get_size(copy), 64) + ALIGNMENT);
            long misalignment = raw.address() % ALIGNMENT;
            raw.position(misalignment == 0 ? 0 : ALIGNMENT - misalignment); // JavaCPP passes address + position
            memory.ownBuffer = raw;
            memory.buffer = raw;
            memory.create(engine);
            try (PointerPointer<Pointer> handle = new PointerPointer<>(1)) {
                check(dnnl_memory_get_data_handle(memory.memory, handle), "dnnl_memory_get_data_handle");
                if (handle.get().address() % ALIGNMENT != 0) {
                    throw new IllegalStateException("oneDNN convolution: a buffer is not page-aligned at " + handle.get().address());
                }
            }
            return memory;
        }

        void create(dnnl_engine engine) {
            if (!created) {
                check(dnnl_memory_create(memory, desc, engine, buffer), "dnnl_memory_create");
                created = true;
            }
        }

        /** Points this memory at {@code array}'s elements, which must be dense in c order with the descriptor's size. */
        void point(INDArray array) {
            if (!Arrays.equals(array.stride(), ArrayUtil.calcStrides(array.shape()))
                    || array.length() * Float.BYTES != dnnl_memory_desc_get_size(desc)) {
                throw new IllegalArgumentException("oneDNN convolution: expected a dense c-ordered float array of "
                        + dnnl_memory_desc_get_size(desc) / Float.BYTES + " elements, got shape "
                        + Arrays.toString(array.shape()) + " with strides " + Arrays.toString(array.stride()));
            }
            buffer = array.data().addressPointer(); // the buffer's offset included, so views work
            if (created) {
                check(dnnl_memory_set_data_handle(memory, buffer), "dnnl_memory_set_data_handle");
            }
        }

        @Override
        public void close() {
            if (created) {
                dnnl_memory_destroy(memory);
                created = false;
            }
            if (ownBuffer != null) {
                ownBuffer.close();
                ownBuffer = null;
            }
            buffer = null;
        }
    }

    private static dnnl_memory_desc_t anyLayout(long[] dims) {
        return descriptor(dims, dnnl_format_tag_any);
    }

    private static dnnl_memory_desc_t descriptor(long[] dims, int tag) {
        dnnl_memory_desc_t desc = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(desc, dims.length, dims, dnnl_f32, tag), "dnnl_memory_desc_init_by_tag");
        return desc;
    }

    private static void check(int status, String call) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + call + " failed with status " + status);
        }
    }
}
