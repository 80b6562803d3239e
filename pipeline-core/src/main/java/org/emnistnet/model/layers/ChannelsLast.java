package org.emnistnet.model.layers;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.common.util.ArrayUtil;

import java.util.Arrays;

/**
 * The memory layout the fast training layers hand each other: an NCHW-shaped array (what DL4J's configuration and
 * every other layer see) whose memory is NHWC, i.e. a {@code permute(0, 3, 1, 2)} view of a c-ordered
 * {@code (n, h, w, c)} array. Element {@code (i, ch, y, x)} is at {@code offset + ((i * h + y) * w + x) * c + ch}.
 * <p>
 * Why: oneDNN's forward convolution kernel on these CPUs works in NHWC, so NCHW activations cost a reorder of the
 * input, one of the output and one of the output buffer before it is overwritten, on every convolution (~30 ms of a
 * 330 ms step on one core, BENCHMARKS.md). Handing ND4J's convolution ops the NHWC array itself (their NHWC flag)
 * skips them; the Java kernels read and write NHWC as easily. DL4J's own layers accept any strides, and the values
 * (and bits) are the same as with NCHW memory.
 */
final class ChannelsLast {
    private ChannelsLast() {
    }

    /** Whether {@code array} is a rank-4 NCHW-shaped view of c-ordered NHWC memory with default strides. */
    static boolean is(INDArray array) {
        if (array.rank() != 4) {
            return false;
        }
        INDArray nhwc = array.permute(0, 2, 3, 1);
        return Arrays.equals(nhwc.stride(), ArrayUtil.calcStrides(nhwc.shape())); // ND4J's ordering flag is not reliable on views
    }

    /** The c-ordered {@code (n, h, w, c)} array behind a channels-last view ({@link #is}). */
    static INDArray nhwc(INDArray channelsLast) {
        return channelsLast.permute(0, 2, 3, 1);
    }

    /** A new, uninitialised channels-last array of NCHW shape {@code (n, c, h, w)} in {@code type}'s workspace. */
    static INDArray create(LayerWorkspaceMgr workspaces, ArrayType type, INDArray like, long n, long c, long h, long w) {
        return workspaces.createUninitialized(type, like.dataType(), new long[] {n, h, w, c}, 'c').permute(0, 3, 1, 2);
    }

    /** {@code array} itself when it is channels-last, else a channels-last copy (in the current workspace, if any). */
    static INDArray of(INDArray array) {
        if (is(array)) {
            return array;
        }
        return Nd4j.createUninitialized(array.dataType(), array.size(0), array.size(2), array.size(3), array.size(1))
                .permute(0, 3, 1, 2).assign(array);
    }
}
