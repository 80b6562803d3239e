package org.emnistnet.model.layers;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.emnistnet.model.layers.OneDnnMemory.anyLayout;
import static org.emnistnet.model.layers.OneDnnMemory.check;
import static org.emnistnet.model.layers.OneDnnMemory.descriptor;

/**
 * One geometry's forward primitive and the memory it runs on, and its backward primitives once a backward pass
 * asks for them. Everything native is freed by {@link #close}.
 * <p>
 * The forward pass runs the direct kernel on the NHWC arrays themselves: oneDNN's kernel for NHWC, no reorder.
 */
final class OneDnnPrimitives implements AutoCloseable {
    private final OneDnnConvolution.Geometry geometry;
    private final dnnl_engine engine;
    private final dnnl_stream stream = new dnnl_stream();
    private final List<Runnable> releases = new ArrayList<>();
    private final dnnl_memory_desc_t inputDesc;
    private final dnnl_memory_desc_t outputDesc;
    private final dnnl_memory_desc_t userWeightsDesc;
    final Pass forward;
    final OneDnnMemory input;
    final OneDnnMemory output;
    final OneDnnMemory userWeights;
    final Staged forwardWeights;
    private Backward backward;

    OneDnnPrimitives(OneDnnConvolution.Geometry g, dnnl_engine engine) {
        this.geometry = g;
        this.engine = engine;
        check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "dnnl_stream_create");
        releases.add(() -> dnnl_stream_destroy(stream));
        inputDesc = descriptor(g.inputDims(), dnnl_nhwc);
        outputDesc = descriptor(g.outputDims(), dnnl_nhwc);
        userWeightsDesc = descriptor(g.weightDims(), dnnl_oihw);
        dnnl_convolution_desc_t forwardDesc = new dnnl_convolution_desc_t();
        check(dnnl_convolution_forward_desc_init(forwardDesc, dnnl_forward_training, dnnl_convolution_direct, inputDesc,
                anyLayout(g.weightDims()), null, outputDesc, g.strides(), g.padTopLeft(), g.padBottomRight()), "forward descriptor");
        forward = pass(forwardDesc, null, "forward");
        input = memory(inputDesc);
        output = memory(outputDesc);
        userWeights = memory(userWeightsDesc);
        forwardWeights = new Staged(userWeights, forward.query(dnnl_query_weights_md), Way.IN, null);
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

    private OneDnnMemory memory(dnnl_memory_desc_t desc) {
        OneDnnMemory memory = new OneDnnMemory(desc);
        releases.add(memory::close);
        return memory;
    }

    /** A memory with a buffer of its own, in the layout {@code queried}. */
    private OneDnnMemory owned(dnnl_memory_desc_t queried) {
        OneDnnMemory memory = OneDnnMemory.owned(queried, engine);
        releases.add(memory::close);
        return memory;
    }

    private dnnl_primitive_attr userScratchpad() {
        dnnl_primitive_attr attributes = new dnnl_primitive_attr();
        check(dnnl_primitive_attr_create(attributes), "dnnl_primitive_attr_create");
        releases.add(() -> dnnl_primitive_attr_destroy(attributes));
        // The scratchpad is this set's own, which one call uses at a time: a library-managed one could be shared
        // between threads running the same primitive
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
    private Runnable reorder(OneDnnMemory from, OneDnnMemory to) {
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
        private final OneDnnMemory scratchpad;
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
                OneDnnMemory memory = (OneDnnMemory) kindsAndMemories[2 * i + 1];
                memory.create(engine);
                args.position(i).arg((Integer) kindsAndMemories[2 * i]).memory(memory.memory);
            }
            args.position(count).arg(DNNL_ARG_SCRATCHPAD).memory(scratchpad.memory);
            check(dnnl_primitive_execute(primitive, stream, count + 1, args.position(0)), "dnnl_primitive_execute");
            check(dnnl_stream_wait(stream), "dnnl_stream_wait");
        }
    }

    /** Which way an array goes through a primitive: read by it (staged before it runs) or written (unstaged after). */
    enum Way { IN, OUT }

    /**
     * An array as a primitive wants it: the array's own memory when the layouts agree, else a buffer in the
     * primitive's layout and the one reorder its {@link Way} needs, to the buffer ({@link #stage}) or from it
     * ({@link #unstage}); {@code same}'s buffer and reorder when it stages the same array to the same layout.
     */
    final class Staged {
        final OneDnnMemory staged;
        /** Whether the buffer is {@code same}'s, so that staging one stages both. */
        final boolean shared;
        private final Way way;
        /** Null when the array's own memory is the staged one. */
        private final Runnable reorder;

        Staged(OneDnnMemory user, dnnl_memory_desc_t wanted, Way way, Staged same) {
            this.way = way;
            shared = same != null && same.way == way && same.reorder != null && dnnl_memory_desc_equal(same.staged.desc, wanted) != 0;
            if (dnnl_memory_desc_equal(user.desc, wanted) != 0) {
                staged = user;
                reorder = null;
            } else if (shared) {
                staged = same.staged;
                reorder = same.reorder;
            } else {
                staged = owned(wanted);
                reorder = way == Way.IN ? reorder(user, staged) : reorder(staged, user);
            }
        }

        void stage() {
            run(Way.IN);
        }

        void unstage() {
            run(Way.OUT);
        }

        private void run(Way asked) {
            if (asked != way) {
                throw new IllegalStateException("a staged " + way + " array cannot be moved " + asked);
            }
            if (reorder != null) {
                reorder.run();
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
    static final class Backward {
        final Pass data;
        final Pass weights;
        final OneDnnMemory inputGradient;
        final OneDnnMemory outputGradient;
        final OneDnnMemory userWeightGradient;
        final Staged dataWeights;
        final Staged dataOutputGradient;
        final Staged dataInputGradient;
        final Staged weightsInput;
        final Staged weightsOutputGradient;
        final Staged weightGradient;

        Backward(OneDnnPrimitives p) {
            OneDnnConvolution.Geometry g = p.geometry;
            dnnl_memory_desc_t anyInput = anyLayout(g.inputDims());
            dnnl_memory_desc_t anyOutput = anyLayout(g.outputDims());
            dnnl_memory_desc_t anyWeights = anyLayout(g.weightDims());
            // The backward passes' hint: the forward pass as oneDNN would choose it, layouts and algorithm its own
            dnnl_convolution_desc_t hintDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_forward_desc_init(hintDesc, dnnl_forward_training, dnnl_convolution_auto, anyInput,
                    anyWeights, null, anyOutput, g.strides(), g.padTopLeft(), g.padBottomRight()), "hint descriptor");
            dnnl_primitive_desc hint = p.primitiveDesc(hintDesc, null, "backward passes' hint");
            dnnl_convolution_desc_t dataDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_data_desc_init(dataDesc, dnnl_convolution_auto, anyInput, anyWeights,
                    anyOutput, g.strides(), g.padTopLeft(), g.padBottomRight()), "backward-data descriptor");
            data = p.pass(dataDesc, hint, "backward data");
            dnnl_convolution_desc_t weightsDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_weights_desc_init(weightsDesc, dnnl_convolution_auto, anyInput, anyWeights,
                    null, anyOutput, g.strides(), g.padTopLeft(), g.padBottomRight()), "backward-weights descriptor");
            weights = p.pass(weightsDesc, hint, "backward weights");
            inputGradient = p.memory(p.inputDesc);
            outputGradient = p.memory(p.outputDesc);
            userWeightGradient = p.memory(p.userWeightsDesc);
            dataWeights = p.new Staged(p.userWeights, data.query(dnnl_query_weights_md), Way.IN, null);
            dataOutputGradient = p.new Staged(outputGradient, data.query(dnnl_query_diff_dst_md), Way.IN, null);
            dataInputGradient = p.new Staged(inputGradient, data.query(dnnl_query_diff_src_md), Way.OUT, null);
            weightsInput = p.new Staged(p.input, weights.query(dnnl_query_src_md), Way.IN, null);
            weightsOutputGradient = p.new Staged(outputGradient, weights.query(dnnl_query_diff_dst_md), Way.IN, dataOutputGradient);
            weightGradient = p.new Staged(userWeightGradient, weights.query(dnnl_query_diff_weights_md), Way.OUT, null);
        }
    }
}
