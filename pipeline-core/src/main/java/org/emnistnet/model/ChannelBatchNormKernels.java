package org.emnistnet.model;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Batch normalisation over NCHW float data in a few streaming passes per channel, read and written in place in
 * ND4J's off-heap buffers (no copies). Channels run in parallel. Sums over one feature-map row (at most 784
 * values) are taken in float and added up in double, which keeps them exact to float precision for any batch.
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
        IntStream.range(0, c).parallel().forEach(ch -> {
            // shifted sums: exact enough for data whose mean is far from zero relative to its spread
            float shift = x.get(base + ch * hw);
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                int row = base + (i * c + ch) * hw;
                float rowSum = 0;
                float rowSquares = 0;
                for (int p = 0; p < hw; p++) {
                    float d = x.get(row + p) - shift;
                    rowSum += d;
                    rowSquares += d * d;
                }
                sum += rowSum;
                squares += rowSquares;
            }
            double centredMean = sum / count;
            mean[ch] = (float) (shift + centredMean);
            variance[ch] = (float) Math.max(0, squares / count - centredMean * centredMean);
        });
        return new Statistics(mean, variance);
    }

    /** {@code out = x * scale[ch] + offset[ch]}. */
    static void scaleAndShift(FloatBuffer x, int xBase, FloatBuffer out, int outBase, int n, int c, int hw,
                              float[] scale, float[] offset) {
        IntStream.range(0, c).parallel().forEach(ch -> {
            float a = scale[ch];
            float b = offset[ch];
            for (int i = 0; i < n; i++) {
                int from = xBase + (i * c + ch) * hw;
                int to = outBase + (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    out.put(to + p, x.get(from + p) * a + b);
                }
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
        IntStream.range(0, c).parallel().forEach(ch -> {
            float m = mean[ch];
            double sumDy = 0;
            double sumDyCentred = 0;
            for (int i = 0; i < n; i++) {
                int offset = (i * c + ch) * hw;
                float rowDy = 0;
                float rowDyCentred = 0;
                for (int p = 0; p < hw; p++) {
                    float d = dy.get(dyBase + offset + p);
                    rowDy += d;
                    rowDyCentred += d * (x.get(xBase + offset + p) - m);
                }
                sumDy += rowDy;
                sumDyCentred += rowDyCentred;
            }
            float inv = invStd[ch];
            dBeta[ch] = (float) sumDy;
            dGamma[ch] = (float) (sumDyCentred * inv);
            float k = gamma[ch] * inv;
            float meanDy = (float) (sumDy / count);
            float centredFactor = (float) (inv * inv * sumDyCentred / count);
            for (int i = 0; i < n; i++) {
                int offset = (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    float centred = x.get(xBase + offset + p) - m;
                    dx.put(dxBase + offset + p, k * (dy.get(dyBase + offset + p) - meanDy - centred * centredFactor));
                }
            }
        });
    }
}
