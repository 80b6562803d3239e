package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeThreads;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Batch normalisation over channels-last float data ({@link ChannelsLast}: NHWC memory) in a few streaming passes.
 * Each image's rows are cut into groups of neighbours (at most about {@value #BLOCK} floats: in NHWC a group's rows of
 * one image are one contiguous block, copied out of ND4J's off-heap buffer in one bulk copy into a reused
 * {@link ScratchArrays} array) and groups run in parallel; inside a block the loops run over pixels and, innermost,
 * channels, so the JIT vectorises them. Sums are kept per pixel position and channel (n values each, in float, image
 * by image in order) and added up per channel in double, position by position: the same operations in the same order
 * as one channel at a time over NCHW data, so results do not depend on the grouping, on the number of threads or on
 * the layout (the same bits as this class's NCHW version before 2026-12-07).
 *
 * <p>Shapes ({@link Shape}): {@code n} images, {@code c} channels, {@code height x width} maps; element
 * {@code (i, ch, y, x)} is at {@code base + ((i * height + y) * width + x) * c + ch}.
 */
final class ChannelBatchNormKernels {
    /** Floats per block: a group's rows of one image, small enough for the core's L2 beside its sums. */
    private static final int BLOCK = 4096;

    private ChannelBatchNormKernels() {
    }

    /** The arrays' geometry. */
    record Shape(int n, int c, int height, int width) {
        int pixels() {
            return height * width;
        }

        int imageSize() {
            return pixels() * c;
        }
    }

    /** Per-channel population mean and variance (no epsilon), as DL4J's BatchNorm computes them. */
    record Statistics(float[] mean, float[] variance) {
    }

    /**
     * Rows {@code [from, to)} of every image; {@code from} is even, so that a group holds whole pooling windows.
     * {@code rowSize} is a row's floats (width x channels).
     */
    private record Group(int from, int to, int rowSize) {
        int size() {
            return (to - from) * rowSize;
        }

        /** Where the group's block of {@code image} starts (also its place in the per-position sums, image 0). */
        int offset(int image, int height) {
            return (image * height + from) * rowSize;
        }
    }

    private static Group[] groups(Shape s) {
        int rowSize = s.width() * s.c();
        int rows = Math.max(2, Math.min(s.height(), BLOCK / rowSize) & ~1);
        int count = (s.height() + rows - 1) / rows;
        Group[] groups = new Group[count];
        for (int g = 0; g < count; g++) {
            groups[g] = new Group(g * rows, Math.min(s.height(), (g + 1) * rows), rowSize);
        }
        return groups;
    }

    static Statistics statistics(FloatBuffer x, int base, Shape s) {
        int c = s.c();
        // shifted sums, exact enough for data whose mean is far from zero relative to its spread; one partial
        // sum per pixel position and channel so that the inner loop is element-wise (vectorised), added up in double
        float[] shift = new float[c];
        x.get(base, shift, 0, c);
        Group[] groups = groups(s);
        float[][] sums = new float[groups.length][];
        float[][] squares = new float[groups.length][];
        ComputeThreads.range(0, groups.length).forEach(index -> {
            Group group = groups[index];
            float[] row = ScratchArrays.ofThread(group.size()).a;
            float[] shifts = perPosition(shift, group.size());
            // the group's own arrays, indexed as the row: the JIT does not vectorise a loop whose arrays are
            // indexed at different offsets (2.5x slower)
            float[] groupSums = new float[group.size()];
            float[] groupSquares = new float[group.size()];
            for (int i = 0; i < s.n(); i++) {
                x.get(base + group.offset(i, s.height()), row, 0, group.size());
                for (int q = 0; q < group.size(); q++) {
                    float d = row[q] - shifts[q];
                    groupSums[q] += d;
                    groupSquares[q] += d * d;
                }
            }
            sums[index] = groupSums;
            squares[index] = groupSquares;
        });
        double count = (double) s.n() * s.pixels();
        double[] centredMean = perChannelTotals(sums, c);
        double[] centredSquares = perChannelTotals(squares, c);
        float[] mean = new float[c];
        float[] variance = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double m = centredMean[ch] / count;
            mean[ch] = (float) (shift[ch] + m);
            variance[ch] = (float) Math.max(0, centredSquares[ch] / count - m * m);
        }
        return new Statistics(mean, variance);
    }

    /**
     * {@code perChannel[q % c]} for the {@code size} positions of a block: the loops over a block run over its
     * positions with these, not over pixels and then channels, because Java 17's JIT vectorises a long loop well
     * and an inner loop of 32 channels poorly (the kernels were 1.6x slower that way).
     */
    private static float[] perPosition(float[] perChannel, int size) {
        float[] expanded = new float[size];
        for (int q = 0; q < size; q += perChannel.length) {
            System.arraycopy(perChannel, 0, expanded, q, Math.min(perChannel.length, size - q));
        }
        return expanded;
    }

    /**
     * Per channel, the sum in double of the groups' per-position values ({@code [group][p * c + ch]}) over positions
     * {@code p} in order.
     */
    private static double[] perChannelTotals(float[][] groups, int c) {
        double[] totals = new double[c];
        for (float[] values : groups) {
            for (int q = 0; q < values.length; q += c) {
                for (int ch = 0; ch < c; ch++) {
                    totals[ch] += values[q + ch];
                }
            }
        }
        return totals;
    }

    /**
     * The normalisation as one affine map per channel, {@code z = x * scale[ch] + offset[ch]}, and whether GELU
     * follows it in the same pass ({@code out = gelu(z)}) or not ({@code out = z}).
     */
    record Affine(float[] scale, float[] offset, boolean gelu) {
        /** The same map with its coefficients per position of a block of {@code size} floats ({@link #perPosition}). */
        Affine perPosition(int size) {
            return new Affine(ChannelBatchNormKernels.perPosition(scale, size), ChannelBatchNormKernels.perPosition(offset, size), gelu);
        }
    }

    /**
     * Max-pooling of the output, 2x2 windows with stride 2 over the maps (truncating), and the winner of each window
     * (0-3 in row order, ties to the first), one byte per pooled element in the pooled output's memory order, which
     * the forward pass fills and the backward pass reads. {@code nchwGradient}: the backward pass's pooled gradient
     * is in NCHW order (as DL4J's dropout layer hands it back), not channels-last.
     */
    record Pooling(byte[] winners, boolean nchwGradient) {
        Pooling(byte[] winners) {
            this(winners, false);
        }
    }

    /** The pooled maps' shape. */
    static Shape pooled(Shape s) {
        return new Shape(s.n(), s.c(), s.height() / 2, s.width() / 2);
    }

    /**
     * {@code out = z} or {@code gelu(z)} ({@link Affine}), max-pooled when {@code pooling} is not null (then {@code out}
     * has the {@link #pooled} shape): one read of {@code x} and one write of {@code out}.
     */
    static void forward(FloatBuffer x, int xBase, FloatBuffer out, int outBase, Shape s, Affine affine, Pooling pooling) {
        Group[] groups = groups(s);
        Shape p = pooled(s);
        ComputeThreads.range(0, groups.length).forEach(index -> {
            Group group = groups[index];
            ScratchArrays scratch = ScratchArrays.ofThread(group.size());
            float[] row = scratch.a;
            float[] pooled = pooling == null ? null : new float[pooledRows(group, p) * p.width() * p.c()];
            Affine map = affine.perPosition(group.size());
            for (int i = 0; i < s.n(); i++) {
                x.get(xBase + group.offset(i, s.height()), row, 0, group.size());
                affine(row, row, group.size(), map);
                if (affine.gelu()) {
                    GeluKernels.apply(row, scratch.b, group.size());
                }
                if (pooling == null) {
                    out.put(outBase + group.offset(i, s.height()), row, 0, group.size());
                } else if (pooled.length > 0) {
                    int at = pooledOffset(group, i, p);
                    maxPool(row, group, s, pooling.winners(), pooled, at);
                    out.put(outBase + at, pooled, 0, pooled.length);
                }
            }
        });
    }

    /** How many pooled rows come from {@code group}'s rows (a trailing odd row pools into none). */
    private static int pooledRows(Group group, Shape pooled) {
        return Math.max(0, Math.min(group.to() / 2, pooled.height()) - group.from() / 2);
    }

    /** Where image {@code i}'s pooled block of {@code group} starts, in the pooled output and its winners. */
    private static int pooledOffset(Group group, int i, Shape pooled) {
        return ((i * pooled.height() + group.from() / 2) * pooled.width()) * pooled.c();
    }

    /** Pools {@code group}'s rows of one image ({@code row}) into {@code pooled}, their winners into {@code winners[at...]}. */
    private static void maxPool(float[] row, Group group, Shape s, byte[] winners, float[] pooled, int at) {
        int c = s.c();
        int right = c;
        int down = s.width() * c;
        int pooledWidth = s.width() / 2;
        for (int py = 0, o = 0; o < pooled.length; py++) {
            for (int px = 0; px < pooledWidth; px++) {
                int window = 2 * py * down + 2 * px * c;
                for (int ch = 0; ch < c; ch++, o++) {
                    // branch-free (the winners of activations defeat branch prediction: 3x slower with branches);
                    // a window's winner is the greater of its top and bottom pairs' winners, the top one on a tie
                    int first = window + ch;
                    int topColumn = laterIsGreater(row[first], row[first + right]);
                    int bottomColumn = laterIsGreater(row[first + down], row[first + down + right]);
                    int bottom = laterIsGreater(row[first + topColumn * right], row[first + down + bottomColumn * right]);
                    int column = topColumn + bottom * (bottomColumn - topColumn);
                    pooled[o] = row[first + bottom * down + column * right];
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

    /**
     * The full-size gradient of {@link #maxPool}'s input over {@code group}'s rows: each pooled gradient at its
     * window's winner, zeros elsewhere.
     */
    private static void unpool(float[] pooledGradient, int pooledLength, Group group, Shape s, byte[] winners, int at, float[] gradient) {
        Arrays.fill(gradient, 0, group.size(), 0f);
        int c = s.c();
        int down = s.width() * c;
        int pooledWidth = s.width() / 2;
        for (int py = 0, o = 0; o < pooledLength; py++) {
            for (int px = 0; px < pooledWidth; px++) {
                int window = 2 * py * down + 2 * px * c;
                for (int ch = 0; ch < c; ch++, o++) {
                    int winner = winners[at + o];
                    gradient[window + ch + (winner >> 1) * down + (winner & 1) * c] = pooledGradient[o];
                }
            }
        }
    }

    /**
     * Image {@code i}'s pooled rows from {@code fromRow} (as many as {@code into} holds) of an NCHW array, into
     * channels-last order: a transposition in cache, where converting the whole array first took another pass.
     */
    private static void gatherNchw(FloatBuffer nchw, int base, int i, int fromRow, Shape pooled, float[] into, float[] work) {
        int c = pooled.c();
        int length = into.length / c;
        for (int ch = 0; ch < c; ch++) {
            nchw.get(base + ((i * c + ch) * pooled.height() + fromRow) * pooled.width(), work, 0, length);
            for (int j = 0, q = ch; j < length; j++, q += c) {
                into[q] = work[j];
            }
        }
    }

    /** {@code z = x * scale + offset} over a block of {@code size} floats, {@code map} per position ({@link Affine#perPosition}). */
    private static void affine(float[] x, float[] z, int size, Affine map) {
        float[] a = map.scale();
        float[] b = map.offset();
        for (int q = 0; q < size; q++) {
            z[q] = x[q] * a[q] + b[q];
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
    static void backward(FloatBuffer x, int xBase, FloatBuffer dy, int dyBase, FloatBuffer dx, int dxBase, Shape s,
                         float[] mean, float[] invStd, float[] gamma, float[] dGamma, float[] dBeta,
                         Affine forward, Pooling pooling) {
        boolean throughGelu = forward.gelu();
        boolean parked = throughGelu || pooling != null;
        FloatBuffer dz = parked ? dx : dy;
        int dzBase = parked ? dxBase : dyBase;
        int c = s.c();
        Shape p = pooled(s);
        Group[] groups = groups(s);
        float[][] sumDy = new float[groups.length][];
        float[][] sumDyCentred = new float[groups.length][];
        ComputeThreads.range(0, groups.length).forEach(index -> {
            Group group = groups[index];
            ScratchArrays scratch = ScratchArrays.ofThread(group.size());
            float[] xRow = scratch.a;
            float[] dyRow = scratch.b;
            float[] groupSumDy = new float[group.size()]; // the group's own, as in statistics()
            float[] groupSumDyCentred = new float[group.size()];
            float[] pooledDy = pooling == null ? null : new float[pooledRows(group, p) * p.width() * c];
            Affine map = forward.perPosition(group.size());
            float[] means = perPosition(mean, group.size());
            for (int i = 0; i < s.n(); i++) {
                x.get(xBase + group.offset(i, s.height()), xRow, 0, group.size());
                if (pooling == null) {
                    dy.get(dyBase + group.offset(i, s.height()), dyRow, 0, group.size());
                } else {
                    int at = pooledOffset(group, i, p);
                    if (pooling.nchwGradient()) {
                        gatherNchw(dy, dyBase, i, group.from() / 2, p, pooledDy, scratch.c);
                    } else {
                        dy.get(dyBase + at, pooledDy, 0, pooledDy.length);
                    }
                    unpool(pooledDy, pooledDy.length, group, s, pooling.winners(), at, dyRow);
                }
                if (throughGelu) {
                    affine(xRow, scratch.c, group.size(), map);
                    GeluKernels.applyDerivative(scratch.c, dyRow, scratch.d, group.size());
                }
                if (parked) {
                    dx.put(dxBase + group.offset(i, s.height()), dyRow, 0, group.size());
                }
                for (int q = 0; q < group.size(); q++) {
                    groupSumDy[q] += dyRow[q];
                    groupSumDyCentred[q] += dyRow[q] * (xRow[q] - means[q]);
                }
            }
            sumDy[index] = groupSumDy;
            sumDyCentred[index] = groupSumDyCentred;
        });
        double count = (double) s.n() * s.pixels();
        double[] totalDy = perChannelTotals(sumDy, c);
        double[] totalDyCentred = perChannelTotals(sumDyCentred, c);
        float[] k = new float[c];
        float[] meanDy = new float[c];
        float[] centredFactor = new float[c];
        for (int ch = 0; ch < c; ch++) {
            float inv = invStd[ch];
            dBeta[ch] = (float) totalDy[ch];
            dGamma[ch] = (float) (totalDyCentred[ch] * inv);
            k[ch] = gamma[ch] * inv;
            meanDy[ch] = (float) (totalDy[ch] / count);
            centredFactor[ch] = (float) (inv * inv * totalDyCentred[ch] / count);
        }
        ComputeThreads.range(0, groups.length).forEach(index -> {
            Group group = groups[index];
            ScratchArrays scratch = ScratchArrays.ofThread(group.size());
            float[] xRow = scratch.a;
            float[] dyRow = scratch.b;
            float[] ks = perPosition(k, group.size());
            float[] meanDys = perPosition(meanDy, group.size());
            float[] means = perPosition(mean, group.size());
            float[] centredFactors = perPosition(centredFactor, group.size());
            for (int i = 0; i < s.n(); i++) {
                x.get(xBase + group.offset(i, s.height()), xRow, 0, group.size());
                dz.get(dzBase + group.offset(i, s.height()), dyRow, 0, group.size());
                for (int q = 0; q < group.size(); q++) {
                    dyRow[q] = ks[q] * (dyRow[q] - meanDys[q] - (xRow[q] - means[q]) * centredFactors[q]);
                }
                dx.put(dxBase + group.offset(i, s.height()), dyRow, 0, group.size());
            }
        });
    }
}
