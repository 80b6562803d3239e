package org.emnistnet.model.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 3x3, stride 1, "same" convolution without bias, NCHW, computed by oneDNN's Winograd kernels (F(4x4, 3x3)).
 * <p>
 * ND4J M2.1 asks oneDNN for its forward convolution with every layout left to oneDNN, which then always picks a
 * direct (brgemm) kernel; its backward-data op ({@code deconv2d_tf}, the gradient at a convolution's input alone)
 * gets the Winograd kernel. A convolution is the backward-data pass of its mirror image: for
 * {@code y[o] = sum_i x[i] (*) W[o][i]} take the convolution from {@code o} to {@code i} with kernels
 * {@code V[i][o] = rot180(W[o][i])}; its backward-data pass fed with {@code x} as the output gradient is {@code y}.
 * On one core, 128 images, the kernel takes 9.0 against 18.0 ms at 28x28 (32 channels) and 9.4 against 15.7 ms at
 * 14x14 (64), layout reorders not counted; at 7x7 it gains nothing (BENCHMARKS.md). It is as close to a float64
 * convolution as the direct kernel is (~1e-6 relative on random inputs, 2-5e-7 on EMNISTNet's activations).
 * Not thread-safe: one instance per layer, as a layer is.
 */
final class WinogradForward {
    private static final int K = 3;
    /** deconv2d_tf's weights, {@code [kH, kW, out, in]}: {@code rot180(W)} with the channel axes of the mirror. */
    private INDArray mirrored;
    private float[] mirroredValues;
    private INDArray outputShape;

    /** {@code output = conv(input, weights)}; weights {@code [out, in, 3, 3]}, input and output NCHW of equal size. */
    void convolve(INDArray input, INDArray weights, INDArray output) {
        int out = (int) weights.size(0);
        int in = (int) weights.size(1);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            mirror(weights.dup('c').data().asFloat(), out, in);
            long[] shape = output.shape();
            if (outputShape == null || outputShape.getLong(0) != shape[0]) {
                outputShape = Nd4j.createFromArray((int) shape[0], (int) shape[1], (int) shape[2], (int) shape[3]);
            }
        }
        Nd4j.exec(DynamicCustomOp.builder("deconv2d_tf")
                .addInputs(outputShape, mirrored, input)
                .addOutputs(output)
                // kernel, stride, padding 1 (explicit, not "same" mode), dilation, NCHW, weights [kH, kW, in, out] of the mirror
                .addIntegerArguments(K, K, 1, 1, 1, 1, 1, 1, 0, 0)
                .build());
    }

    /** {@code mirrored[kh][kw][o][i] = W[o][i][2 - kh][2 - kw]}. */
    private void mirror(float[] w, int out, int in) {
        if (mirrored == null || mirrored.size(2) != out || mirrored.size(3) != in) {
            mirrored = Nd4j.create(DataType.FLOAT, K, K, out, in);
            mirroredValues = new float[w.length];
        }
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                int from = (o * in + i) * K * K;
                for (int kh = 0; kh < K; kh++) {
                    for (int kw = 0; kw < K; kw++) {
                        mirroredValues[((kh * K + kw) * out + o) * in + i] = w[from + (K - 1 - kh) * K + (K - 1 - kw)];
                    }
                }
            }
        }
        mirrored.data().setData(mirroredValues);
    }
}
