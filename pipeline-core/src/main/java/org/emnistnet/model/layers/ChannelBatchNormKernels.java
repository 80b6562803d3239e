package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeThreads;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Batch normalisation over NCHW float data in a few streaming passes. Channels are cut into groups of neighbours
 * (at most about {@value #BLOCK} floats of one image: in NCHW a group's feature maps of one image are one
 * contiguous block, copied out of ND4J's off-heap buffer in one bulk copy into a reused {@link ScratchArrays} array) and
 * groups run in parallel; inside a block the loops are element-wise, so the JIT vectorises them. Sums are kept per
 * pixel position (n values each, in float, image by image in order) and added up in double: the same operations in
 * the same order as one channel at a time, so results do not depend on the grouping or on the number of threads.
 *
 * <p>Shapes: {@code n} images, {@code c} channels, {@code hw} pixels per feature map; element
 * {@code (i, ch, p)} is at {@code base + (i * c + ch) * hw + p}.
 */
final class ChannelBatchNormKernels {
    /** Floats per block: a group's maps of one image, small enough for the core's L2 beside its sums. */
    private static final int BLOCK = 4096;

    private ChannelBatchNormKernels() {
    }

    /** Per-channel population mean and variance (no epsilon), as DL4J's BatchNorm computes them. */
    record Statistics(float[] mean, float[] variance) {
    }

    /** Channels {@code [from, to)}: {@code from * hw} is the block's offset inside an image. */
    private record Group(int from, int to, int hw) {
        int size() {
            return (to - from) * hw;
        }

        int offset(int image, int c) {
            return (image * c + from) * hw;
        }
    }

    private static Group[] groups(int c, int hw) {
        int count = Math.max(1, Math.min(c, (c * hw + BLOCK - 1) / BLOCK));
        int perGroup = (c + count - 1) / count;
        count = (c + perGroup - 1) / perGroup;
        Group[] groups = new Group[count];
        for (int g = 0; g < count; g++) {
            groups[g] = new Group(g * perGroup, Math.min(c, (g + 1) * perGroup), hw);
        }
        return groups;
    }

    static Statistics statistics(FloatBuffer x, int base, int n, int c, int hw) {
        float[] mean = new float[c];
        float[] variance = new float[c];
        double count = (double) n * hw;
        Group[] groups = groups(c, hw);
        ComputeThreads.range(0, groups.length).forEach(index -> {
            // shifted sums, exact enough for data whose mean is far from zero relative to its spread; one partial
            // sum per pixel position so that the inner loop is element-wise (vectorised), added up in double
            Group group = groups[index];
            float[] shift = new float[c];
            for (int ch = group.from(); ch < group.to(); ch++) {
                shift[ch] = x.get(base + ch * hw);
            }
            float[] row = ScratchArrays.ofThread(group.size()).a;
            float[] sums = new float[group.size()];
            float[] squares = new float[group.size()];
            for (int i = 0; i < n; i++) {
                x.get(base + group.offset(i, c), row, 0, group.size());
                for (int ch = group.from(), at = 0; ch < group.to(); ch++, at += hw) {
                    float s = shift[ch];
                    for (int p = at; p < at + hw; p++) {
                        float d = row[p] - s;
                        sums[p] += d;
                        squares[p] += d * d;
                    }
                }
            }
            for (int ch = group.from(), at = 0; ch < group.to(); ch++, at += hw) {
                double centredMean = total(sums, at, hw) / count;
                mean[ch] = (float) (shift[ch] + centredMean);
                variance[ch] = (float) Math.max(0, total(squares, at, hw) / count - centredMean * centredMean);
            }
        });
        return new Statistics(mean, variance);
    }

    /**
     * The normalisation as one affine map per channel, {@code z = x * scale[ch] + offset[ch]}, and whether GELU
     * follows it in the same pass ({@code out = gelu(z)}) or not ({@code out = z}).
     */
    record Affine(float[] scale, float[] offset, boolean gelu) {
    }

    /**
     * Max-pooling of the output, 2x2 windows with stride 2 over {@code height x width} maps (truncating), and the
     * winner of each window (0-3 in row order, ties to the first), one byte per pooled element in the pooled
     * output's NCHW order, which the forward pass fills and the backward pass reads.
     */
    record Pooling(int height, int width, byte[] winners) {
        int pooledSize() {
            return (height / 2) * (width / 2);
        }
    }

    /**
     * {@code out = z} or {@code gelu(z)} ({@link Affine}), max-pooled when {@code pooling} is not null: one read of
     * {@code x} and one write of {@code out}.
     */
    static void forward(FloatBuffer x, int xBase, FloatBuffer out, int outBase, int n, int c, int hw, Affine affine, Pooling pooling) {
        Group[] groups = groups(c, hw);
        ComputeThreads.range(0, groups.length).forEach(index -> {
            Group group = groups[index];
            ScratchArrays scratch = ScratchArrays.ofThread(group.size());
            float[] row = scratch.a;
            int channels = group.to() - group.from();
            float[] pooled = pooling == null ? null : new float[channels * pooling.pooledSize()];
            for (int i = 0; i < n; i++) {
                x.get(xBase + group.offset(i, c), row, 0, group.size());
                affine(row, row, group, affine);
                if (affine.gelu()) {
                    GeluKernels.apply(row, scratch.b, group.size());
                }
                if (pooling == null) {
                    out.put(outBase + group.offset(i, c), row, 0, group.size());
                } else {
                    int at = pooledOffset(group, i, c, pooling);
                    maxPool(row, channels, pooling, pooled, at);
                    out.put(outBase + at, pooled, 0, pooled.length);
                }
            }
        });
    }

    /** Where image {@code i}'s pooled block of {@code group} starts, in the pooled output and its winners. */
    private static int pooledOffset(Group group, int i, int c, Pooling pooling) {
        return (i * c + group.from()) * pooling.pooledSize();
    }

    /** Pools {@code channels} maps of {@code row} into {@code pooled}, their winners into {@code winners[at...]}. */
    private static void maxPool(float[] row, int channels, Pooling pooling, float[] pooled, int at) {
        int w = pooling.width();
        int pooledHeight = pooling.height() / 2;
        int pooledWidth = w / 2;
        byte[] winners = pooling.winners();
        for (int ch = 0, o = 0; ch < channels; ch++) {
            int map = ch * pooling.height() * w;
            for (int py = 0; py < pooledHeight; py++) {
                int top = map + 2 * py * w;
                for (int px = 0; px < pooledWidth; px++, o++) {
                    // branch-free (the winners of activations defeat branch prediction: 3x slower with branches);
                    // a window's winner is the greater of its top and bottom pairs' winners, the top one on a tie
                    int first = top + 2 * px;
                    int topColumn = laterIsGreater(row[first], row[first + 1]);
                    int bottomColumn = laterIsGreater(row[first + w], row[first + w + 1]);
                    int bottom = laterIsGreater(row[first + topColumn], row[first + w + bottomColumn]);
                    int column = topColumn + bottom * (bottomColumn - topColumn);
                    pooled[o] = row[first + bottom * w + column];
                    winners[at + o] = (byte) (2 * bottom + column);
                }
            }
        }
    }

    /**
     * 1 if {@code later > earlier}, else 0 (a tie keeps the earlier, as oneDNN's max-pooling does), for finite
     * values, without a branch: the sign of {@code earlier - later}. Adding 0 first turns -0 into +0, which
     * compare equal but would leave the difference's sign set.
     */
    private static int laterIsGreater(float earlier, float later) {
        return Float.floatToRawIntBits((earlier + 0f) - (later + 0f)) >>> 31;
    }

    /** The full-size gradient of {@link #maxPool}'s input: each pooled gradient at its window's winner, zeros elsewhere. */
    private static void unpool(float[] pooledGradient, int channels, Pooling pooling, int at, float[] gradient, int size) {
        Arrays.fill(gradient, 0, size, 0f);
        int w = pooling.width();
        int pooledHeight = pooling.height() / 2;
        int pooledWidth = w / 2;
        byte[] winners = pooling.winners();
        for (int ch = 0, o = 0; ch < channels; ch++) {
            int map = ch * pooling.height() * w;
            for (int py = 0; py < pooledHeight; py++) {
                int top = map + 2 * py * w;
                for (int px = 0; px < pooledWidth; px++, o++) {
                    int winner = winners[at + o];
                    gradient[top + 2 * px + (winner >> 1) * w + (winner & 1)] = pooledGradient[o];
                }
            }
        }
    }

    /** {@code z = x * scale[ch] + offset[ch]} over one image's block of {@code group}. */
    private static void affine(float[] x, float[] z, Group group, Affine affine) {
        for (int ch = group.from(), at = 0; ch < group.to(); ch++, at += group.hw()) {
            float a = affine.scale()[ch];
            float b = affine.offset()[ch];
            for (int p = at; p < at + group.hw(); p++) {
                z[p] = x[p] * a + b;
            }
        }
    }

    /**
     * Backward pass of {@code y = gamma * (x - mean) * invStd + beta} with batch statistics: fills {@code dx} and
     * the per-channel {@code dGamma = sum(dy * xHat)}, {@code dBeta = sum(dy)}.
     * {@code dx = gamma * invStd * (dy - mean(dy) - xHat * mean(dy * xHat))}.
     *
     * <p>When the forward pass ({@code forward}, its {@link Affine}) applied GELU, {@code dy} is the gradient of
     * {@code gelu(z)}: the first pass turns it into the gradient of {@code z} (recomputing {@code z} from {@code x},
     * bit for bit as the forward did), adds it up and parks it in {@code dx}; the second reads it back from there.
     * Results equal the BatchNorm layer and the GELU layer run one after the other, to the bit, with two fewer passes
     * over the activations. With {@code pooling} (the forward pass's), {@code dy} is the gradient of the pooled
     * output, spread back to each window's winner first, as a pooling layer's backward pass would.
     */
    static void backward(FloatBuffer x, int xBase, FloatBuffer dy, int dyBase, FloatBuffer dx, int dxBase,
                         int n, int c, int hw, float[] mean, float[] invStd, float[] gamma,
                         float[] dGamma, float[] dBeta, Affine forward, Pooling pooling) {
        boolean throughGelu = forward.gelu();
        boolean parked = throughGelu || pooling != null;
        FloatBuffer dz = parked ? dx : dy;
        int dzBase = parked ? dxBase : dyBase;
        double count = (double) n * hw;
        Group[] groups = groups(c, hw);
        ComputeThreads.range(0, groups.length).forEach(index -> {
            Group group = groups[index];
            ScratchArrays scratch = ScratchArrays.ofThread(group.size());
            float[] xRow = scratch.a;
            float[] dyRow = scratch.b;
            float[] sumDy = new float[group.size()];
            float[] sumDyCentred = new float[group.size()];
            int channels = group.to() - group.from();
            float[] pooledDy = pooling == null ? null : new float[channels * pooling.pooledSize()];
            for (int i = 0; i < n; i++) {
                x.get(xBase + group.offset(i, c), xRow, 0, group.size());
                if (pooling == null) {
                    dy.get(dyBase + group.offset(i, c), dyRow, 0, group.size());
                } else {
                    int at = pooledOffset(group, i, c, pooling);
                    dy.get(dyBase + at, pooledDy, 0, pooledDy.length);
                    unpool(pooledDy, channels, pooling, at, dyRow, group.size());
                }
                if (throughGelu) {
                    affine(xRow, scratch.c, group, forward);
                    GeluKernels.applyDerivative(scratch.c, dyRow, scratch.d, group.size());
                }
                if (parked) {
                    dx.put(dxBase + group.offset(i, c), dyRow, 0, group.size());
                }
                for (int ch = group.from(), at = 0; ch < group.to(); ch++, at += hw) {
                    float m = mean[ch];
                    for (int p = at; p < at + hw; p++) {
                        sumDy[p] += dyRow[p];
                        sumDyCentred[p] += dyRow[p] * (xRow[p] - m);
                    }
                }
            }
            float[] k = new float[c];
            float[] meanDy = new float[c];
            float[] centredFactor = new float[c];
            for (int ch = group.from(), at = 0; ch < group.to(); ch++, at += hw) {
                double totalDy = total(sumDy, at, hw);
                double totalDyCentred = total(sumDyCentred, at, hw);
                float inv = invStd[ch];
                dBeta[ch] = (float) totalDy;
                dGamma[ch] = (float) (totalDyCentred * inv);
                k[ch] = gamma[ch] * inv;
                meanDy[ch] = (float) (totalDy / count);
                centredFactor[ch] = (float) (inv * inv * totalDyCentred / count);
            }
            for (int i = 0; i < n; i++) {
                x.get(xBase + group.offset(i, c), xRow, 0, group.size());
                dz.get(dzBase + group.offset(i, c), dyRow, 0, group.size());
                for (int ch = group.from(), at = 0; ch < group.to(); ch++, at += hw) {
                    float m = mean[ch];
                    float kc = k[ch];
                    float md = meanDy[ch];
                    float cf = centredFactor[ch];
                    for (int p = at; p < at + hw; p++) {
                        dyRow[p] = kc * (dyRow[p] - md - (xRow[p] - m) * cf);
                    }
                }
                dx.put(dxBase + group.offset(i, c), dyRow, 0, group.size());
            }
        });
    }

    /** {@code values[from, from + length)} added up in double, in order. */
    private static double total(float[] values, int from, int length) {
        double sum = 0;
        for (int p = from; p < from + length; p++) {
            sum += values[p];
        }
        return sum;
    }
}
