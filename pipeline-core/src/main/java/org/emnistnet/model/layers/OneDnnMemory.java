package org.emnistnet.model.layers;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * A oneDNN memory object over a descriptor, pointing at an ND4J array's elements ({@link #point}) or at a buffer
 * of its own ({@link #owned}).
 */
final class OneDnnMemory implements AutoCloseable {
    private static final long ALIGNMENT = 4096;
    final dnnl_memory_desc_t desc;
    final dnnl_memory memory = new dnnl_memory();
    private Pointer buffer;
    private BytePointer ownBuffer;
    private boolean created;

    OneDnnMemory(dnnl_memory_desc_t desc) {
        this.desc = desc;
    }

    /**
     * A memory with a buffer of its own, in the layout {@code queried} (copied: it lives in a primitive's
     * descriptor), aligned to a page. oneDNN's kernels may store to their buffers with instructions that need
     * alignment (the Winograd backward-weights kernel does: a general-protection fault on a Spark executor when
     * its scratchpad was where malloc put it, 16-byte aligned).
     */
    static OneDnnMemory owned(dnnl_memory_desc_t queried, dnnl_engine engine) {
        dnnl_memory_desc_t copy = new dnnl_memory_desc_t();
        Pointer.memcpy(copy, queried, copy.sizeof());
        OneDnnMemory memory = new OneDnnMemory(copy);
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

    /** A descriptor of {@code dims} floats whose layout the primitive picks. */
    static dnnl_memory_desc_t anyLayout(long[] dims) {
        return descriptor(dims, dnnl_format_tag_any);
    }

    /** A descriptor of {@code dims} floats in the layout {@code tag}. */
    static dnnl_memory_desc_t descriptor(long[] dims, int tag) {
        dnnl_memory_desc_t desc = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(desc, dims.length, dims, dnnl_f32, tag), "dnnl_memory_desc_init_by_tag");
        return desc;
    }

    /** Turns a oneDNN status other than success into an exception naming the call. */
    static void check(int status, String call) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + call + " failed with status " + status);
        }
    }
}
