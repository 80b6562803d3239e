package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.runtime.ComputeThreads;

import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * Inverted dropout as DL4J's {@link Dropout} does it (keep each activation with probability {@code p} and scale
 * the kept ones by {@code 1/p}; the gradient takes the same mask), with a mask that is a hash of a seed and each
 * element's index instead of an array of ND4J random numbers. DL4J's version fills a mask array with ones, draws
 * a random number per element into it (ND4J's generator, one element at a time), multiplies, and keeps the mask
 * for the backward pass: 3-5% of a training step here, more than the max-pooling. This one draws one seed per
 * pass from ND4J's generator (so a run stays reproducible from its seed), computes the mask element-wise, chunk by
 * chunk with the product (integer arithmetic the JIT vectorises), and recomputes it in the backward pass rather
 * than storing it.
 *
 * <p>The hash is MurmurHash3's 32-bit finaliser of a Weyl sequence ({@code seed + index * golden ratio}); an
 * element is kept when the top 24 bits of its hash are below {@code p * 2^24}. Masks differ from DL4J's (another
 * generator), so runs are not bit-comparable with runs before it; the test accuracy is (docs/training.md).
 * Arrays other than float or double arrays in host memory go to DL4J's {@link Dropout}. Serving
 * configurations name DL4J's {@link Dropout} instead (dropout does nothing at inference): {@code p} is the field
 * both have.
 */
public class StatelessDropout implements IDropout {
    private static final int CHUNK = 1 << 14;
    private static final int GOLDEN = 0x9E3779B9;
    /**
     * {@code i * GOLDEN} for the indices of a chunk: the loops read the Weyl sequence from here because the JIT
     * (Java 17) does not vectorise a loop that uses its index as a value (5x slower).
     */
    private static final int[] WEYL = new int[CHUNK];

    static {
        for (int i = 0; i < CHUNK; i++) {
            WEYL[i] = i * GOLDEN;
        }
    }

    @JsonProperty("p")
    private final double p;
    /** The last training pass's seed: its backward pass recomputes the mask from it. */
    private transient int seed;
    private transient boolean masked;
    /** The Weyl offsets of the last channels-last image shape, and that shape ({@code c, h, w}). */
    private transient int[] channelsLastWeyl;
    private transient int[] channelsLastShape = new int[0];
    /** For arrays the Java passes do not handle (device memory, data types other than float and double). */
    private transient Dropout dl4j;

    /** @param p the probability of keeping an activation (DL4J's convention) */
    @JsonCreator
    public StatelessDropout(@JsonProperty("p") double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: the probability of keeping an activation must be in (0, 1], got " + p);
        }
        this.p = p;
    }

    public double getP() {
        return p;
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray output, int iteration, int epoch, LayerWorkspaceMgr workspaceMgr) {
        if (!handles(input, output)) {
            masked = false;
            dl4j = dl4j == null ? new Dropout(p) : dl4j;
            return dl4j.applyDropout(input, output, iteration, epoch, workspaceMgr);
        }
        seed = Nd4j.getRandom().nextInt();
        masked = true;
        if (input.dataType() == DataType.FLOAT && input.rank() == 4 && input.size(1) > 1 && ChannelsLast.is(input)) {
            INDArray channelsLast = ChannelsLast.create(workspaceMgr, ArrayType.INPUT, input, input.size(0), input.size(1), input.size(2), input.size(3));
            multiplyChannelsLastByMask(input, channelsLast);
            return channelsLast;
        }
        return multiplyByMask(input, output);
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        if (!masked) {
            if (dl4j == null) {
                throw new IllegalStateException("dropout: backpropagation needs a training-mode forward pass first");
            }
            return dl4j.backprop(gradAtOutput, gradAtInput, iteration, epoch);
        }
        masked = false;
        return multiplyByMask(gradAtOutput, gradAtInput);
    }

    private static boolean handles(INDArray in, INDArray out) {
        return ComputeBackend.hostMemory() && in.dataType() == out.dataType() && in.length() == out.length()
                && (in.dataType() == DataType.FLOAT || in.dataType() == DataType.DOUBLE) && in.length() < Integer.MAX_VALUE;
    }

    /**
     * {@code out = in * mask}, the mask indexed by each element's position in c order (whatever the arrays' memory
     * layouts: a view or an f-ordered gradient goes through a c-ordered copy).
     */
    private INDArray multiplyByMask(INDArray in, INDArray out) {
        INDArray result = HostArrays.isContiguous(out) ? out : Nd4j.createUninitialized(out.dataType(), out.shape(), 'c');
        multiplyByMask(HostArrays.contiguous(in), result, (int) in.length());
        return result == out ? out : out.assign(result);
    }

    /** The same over c-ordered arrays, chunk by chunk in parallel (the mask of an element depends only on its index). */
    private void multiplyByMask(INDArray in, INDArray out, int length) {
        int threshold = (int) Math.round(p * (1 << 24));
        int inBase = (int) in.offset();
        int outBase = (int) out.offset();
        if (in.dataType() == DataType.FLOAT) {
            FloatBuffer from = in.data().asNioFloat();
            FloatBuffer to = out.data().asNioFloat();
            IntBuffer toBits = out.data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer();
            float scale = (float) (1 / p);
            ComputeThreads.range(0, (length + CHUNK - 1) / CHUNK).forEach(chunk -> {
                int start = chunk * CHUNK;
                int size = Math.min(CHUNK, length - start);
                ScratchArrays scratch = ScratchArrays.ofThread(size);
                float[] values = scratch.a;
                from.get(inBase + start, values, 0, size);
                for (int i = 0; i < size; i++) {
                    values[i] *= scale;
                }
                to.put(outBase + start, values, 0, size);
                // the mask as a bitwise AND on the floats' bits: Java 17's JIT vectorises that loop, but not
                // one that turns the hash into a float factor (int to float conversion, 10x slower)
                int[] bits = scratch.bits;
                toBits.get(outBase + start, bits, 0, size);
                int weyl = seed + start * GOLDEN;
                for (int i = 0; i < size; i++) {
                    bits[i] &= keepMask(weyl + WEYL[i], threshold);
                }
                toBits.put(outBase + start, bits, 0, size);
            });
        } else {
            DoubleBuffer from = in.data().asNioDouble();
            DoubleBuffer to = out.data().asNioDouble();
            double scale = 1 / p;
            ComputeThreads.range(0, (length + CHUNK - 1) / CHUNK).forEach(chunk -> {
                int start = chunk * CHUNK;
                int size = Math.min(CHUNK, length - start);
                double[] values = new double[size];
                from.get(inBase + start, values, 0, size);
                int weyl = seed + start * GOLDEN;
                for (int i = 0; i < size; i++) {
                    values[i] = keepMask(weyl + WEYL[i], threshold) == 0 ? 0 : values[i] * scale;
                }
                to.put(outBase + start, values, 0, size);
            });
        }
    }

    /**
     * The same for {@link ChannelsLast} arrays, into a channels-last result: each element keeps the mask of its
     * position in NCHW c order (the order the backward pass sees, after DL4J's copy of the gradient), so the masks
     * do not depend on the layout. Image by image, through a table of each position's Weyl offset.
     */
    private void multiplyChannelsLastByMask(INDArray in, INDArray out) {
        int c = (int) in.size(1);
        int h = (int) in.size(2);
        int w = (int) in.size(3);
        int imageSize = c * h * w;
        int[] weylOfPosition = channelsLastWeyl(c, h, w);
        int threshold = (int) Math.round(p * (1 << 24));
        float scale = (float) (1 / p);
        FloatBuffer from = in.data().asNioFloat();
        FloatBuffer to = out.data().asNioFloat();
        IntBuffer toBits = out.data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer();
        int inBase = (int) in.offset();
        int outBase = (int) out.offset();
        ComputeThreads.range(0, (int) in.size(0)).forEach(image -> {
            ScratchArrays scratch = ScratchArrays.ofThread(imageSize);
            float[] values = scratch.a;
            from.get(inBase + image * imageSize, values, 0, imageSize);
            for (int q = 0; q < imageSize; q++) {
                values[q] *= scale;
            }
            to.put(outBase + image * imageSize, values, 0, imageSize);
            int[] bits = scratch.bits; // the mask on the bits, as above (the loops the JIT vectorises)
            toBits.get(outBase + image * imageSize, bits, 0, imageSize);
            int weyl = seed + image * imageSize * GOLDEN;
            for (int q = 0; q < imageSize; q++) {
                bits[q] &= keepMask(weyl + weylOfPosition[q], threshold);
            }
            toBits.put(outBase + image * imageSize, bits, 0, imageSize);
        });
    }

    /** {@code index * GOLDEN} of each position of a channels-last image, its index being its NCHW c-order one. */
    private int[] channelsLastWeyl(int c, int h, int w) {
        int[] shape = {c, h, w};
        if (!Arrays.equals(shape, channelsLastShape)) {
            int[] table = new int[c * h * w];
            for (int y = 0, q = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++, q++) {
                        table[q] = ((ch * h + y) * w + x) * GOLDEN;
                    }
                }
            }
            channelsLastWeyl = table;
            channelsLastShape = shape;
        }
        return channelsLastWeyl;
    }

    /**
     * -1 (all bits set) to keep the element whose Weyl value is {@code weyl} ({@code seed + index * GOLDEN}), 0 to
     * drop it: the hash's top 24 bits below {@code threshold}. No branch, so the loop above vectorises.
     */
    static int keepMask(int weyl, int threshold) {
        int h = weyl;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return ((h >>> 8) - threshold) >> 31;
    }

    @Override
    public void clear() {
        masked = false;
        if (dl4j != null) {
            dl4j.clear();
        }
    }

    @Override
    public StatelessDropout clone() {
        return new StatelessDropout(p);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StatelessDropout dropout && dropout.p == p;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(p);
    }

    @Override
    public String toString() {
        return "StatelessDropout(p=" + p + ")";
    }
}
