package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeThreads;

import java.nio.FloatBuffer;

/**
 * Batch normalisation over NCHW float data in a few streaming passes per channel. Each image's feature map of a
 * channel is copied out of ND4J's off-heap buffer into a small array (a bulk copy) and processed with
 * element-wise loops the JIT vectorises; sums are kept per pixel position (n values each, in float) and added up
 * in double. Channels run in parallel.
 *
 * <p>Shapes: {@code n} images, {@code c} channels, {@code hw} pixels per feature map; element
 * {@code (i, ch, p)} is at {@code base + (i * c + ch) * hw + p}.
 */
final class ChannelBatchNormKernels {
    private ChannelBatchNormKernels() {
    }

    /** Per-channel population mean and variance (no epsilon), as DL4J's BatchNorm computes them. */
    record Statistics(float[] mean, float[] variance) {
    }

    static Statistics statistics(FloatBuffer x, int base, int n, int c, int hw) {
        float[] mean = new float[c];
        float[] variance = new float[c];
        double count = (double) n * hw;
        ComputeThreads.range(0, c).forEach(ch -> {
            // shifted sums, exact enough for data whose mean is far from zero relative to its spread; one partial
            // sum per pixel position so that the inner loop is element-wise (vectorised), added up in double
            float shift = x.get(base + ch * hw);
            float[] row = new float[hw];
            float[] sums = new float[hw];
            float[] squares = new float[hw];
            for (int i = 0; i < n; i++) {
                x.get(base + (i * c + ch) * hw, row);
                for (int p = 0; p < hw; p++) {
                    float d = row[p] - shift;
                    sums[p] += d;
                    squares[p] += d * d;
                }
            }
            double centredMean = total(sums) / count;
            mean[ch] = (float) (shift + centredMean);
            variance[ch] = (float) Math.max(0, total(squares) / count - centredMean * centredMean);
        });
        return new Statistics(mean, variance);
    }

    /** {@code out = x * scale[ch] + offset[ch]}. */
    static void scaleAndShift(FloatBuffer x, int xBase, FloatBuffer out, int outBase, int n, int c, int hw,
                              float[] scale, float[] offset) {
        ComputeThreads.range(0, c).forEach(ch -> {
            float a = scale[ch];
            float b = offset[ch];
            float[] row = new float[hw];
            for (int i = 0; i < n; i++) {
                x.get(xBase + (i * c + ch) * hw, row);
                for (int p = 0; p < hw; p++) {
                    row[p] = row[p] * a + b;
                }
                out.put(outBase + (i * c + ch) * hw, row);
            }
        });
    }

    /**
     * Backward pass of {@code y = gamma * (x - mean) * invStd + beta} with batch statistics: fills {@code dx} and
     * the per-channel {@code dGamma = sum(dy * xHat)}, {@code dBeta = sum(dy)}.
     * {@code dx = gamma * invStd * (dy - mean(dy) - xHat * mean(dy * xHat))}.
     */
    static void backward(FloatBuffer x, int xBase, FloatBuffer dy, int dyBase, FloatBuffer dx, int dxBase,
                         int n, int c, int hw, float[] mean, float[] invStd, float[] gamma,
                         float[] dGamma, float[] dBeta) {
        double count = (double) n * hw;
        ComputeThreads.range(0, c).forEach(ch -> {
            float m = mean[ch];
            float[] xRow = new float[hw];
            float[] dyRow = new float[hw];
            float[] sumDy = new float[hw];
            float[] sumDyCentred = new float[hw];
            for (int i = 0; i < n; i++) {
                int offset = (i * c + ch) * hw;
                x.get(xBase + offset, xRow);
                dy.get(dyBase + offset, dyRow);
                for (int p = 0; p < hw; p++) {
                    sumDy[p] += dyRow[p];
                    sumDyCentred[p] += dyRow[p] * (xRow[p] - m);
                }
            }
            double totalDy = total(sumDy);
            double totalDyCentred = total(sumDyCentred);
            float inv = invStd[ch];
            dBeta[ch] = (float) totalDy;
            dGamma[ch] = (float) (totalDyCentred * inv);
            float k = gamma[ch] * inv;
            float meanDy = (float) (totalDy / count);
            float centredFactor = (float) (inv * inv * totalDyCentred / count);
            for (int i = 0; i < n; i++) {
                int offset = (i * c + ch) * hw;
                x.get(xBase + offset, xRow);
                dy.get(dyBase + offset, dyRow);
                for (int p = 0; p < hw; p++) {
                    dyRow[p] = k * (dyRow[p] - meanDy - (xRow[p] - m) * centredFactor);
                }
                dx.put(dxBase + offset, dyRow);
            }
        });
    }

    private static double total(float[] partialSums) {
        double sum = 0;
        for (float value : partialSums) {
            sum += value;
        }
        return sum;
    }
}
