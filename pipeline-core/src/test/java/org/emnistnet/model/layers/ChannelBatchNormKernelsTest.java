package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeThreads;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The BatchNorm kernels, on channels-last data, equal a float64 computation, and give the same bits on one core as on
 * all of them (row groups, whatever their number, add up in one order). Whole-network gradients:
 * {@link FastTrainingLayersTest}.
 */
class ChannelBatchNormKernelsTest {
    // 5 images, 37 channels of 11 x 13: two row groups, the last one smaller and odd; data at an offset
    private static final int N = 5, C = 37, HEIGHT = 11, WIDTH = 13, HW = HEIGHT * WIDTH, BASE = 7;
    private static final ChannelBatchNormKernels.Shape SHAPE = new ChannelBatchNormKernels.Shape(N, C, HEIGHT, WIDTH);

    /** Where element {@code (i, ch, p)} is, channels-last. */
    private static int at(int i, int ch, int p) {
        return (i * HW + p) * C + ch;
    }

    @Test
    void statisticsScaleAndBackwardEqualADoublePrecisionReference() {
        FloatBuffer x = random(1, 3f, 0.5f);
        FloatBuffer dy = random(2, 1f, 0f);
        ChannelBatchNormKernels.Statistics statistics = ChannelBatchNormKernels.statistics(x, BASE, SHAPE);
        float[] gamma = new float[C];
        float[] invStd = new float[C];
        for (int ch = 0; ch < C; ch++) {
            double[] reference = meanAndVariance(x, ch);
            assertThat(statistics.mean()[ch]).isCloseTo((float) reference[0], within(1e-5f));
            assertThat(statistics.variance()[ch]).isCloseTo((float) reference[1], within(1e-4f));
            gamma[ch] = 0.5f + ch / (float) C;
            invStd[ch] = (float) (1 / Math.sqrt(reference[1] + 1e-5));
        }
        FloatBuffer out = buffer(N * C * HW);
        ChannelBatchNormKernels.forward(x, BASE, out, 0, SHAPE, new ChannelBatchNormKernels.Affine(gamma, invStd, false), null);
        assertThat(out.get(at(3, 36, 5))).isCloseTo(x.get(BASE + at(3, 36, 5)) * gamma[36] + invStd[36], within(1e-6f));

        FloatBuffer dx = buffer(N * C * HW);
        float[] dGamma = new float[C];
        float[] dBeta = new float[C];
        ChannelBatchNormKernels.backward(x, BASE, dy, BASE, dx, 0, SHAPE, statistics.mean(), invStd, gamma, dGamma, dBeta,
                new ChannelBatchNormKernels.Affine(gamma, invStd, false), null);
        for (int ch : new int[]{0, 18, 36}) {
            double[] m = meanAndVariance(x, ch);
            double sumDy = 0;
            double sumDyXHat = 0;
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < HW; p++) {
                    int at = at(i, ch, p);
                    sumDy += dy.get(BASE + at);
                    sumDyXHat += dy.get(BASE + at) * (x.get(BASE + at) - m[0]) * invStd[ch];
                }
            }
            assertThat(dBeta[ch]).isCloseTo((float) sumDy, within(1e-3f));
            assertThat(dGamma[ch]).isCloseTo((float) sumDyXHat, within(1e-3f));
            int at = at(2, ch, 9);
            double xHat = (x.get(BASE + at) - m[0]) * invStd[ch];
            double expected = gamma[ch] * invStd[ch] * (dy.get(BASE + at) - sumDy / (N * HW) - xHat * sumDyXHat / (N * HW));
            assertThat(dx.get(at)).isCloseTo((float) expected, within(1e-4f));
        }
    }

    @Test
    void oneCoreAndAllCoresGiveTheSameBits() throws Exception {
        FloatBuffer x = random(3, 2f, -1f);
        FloatBuffer dy = random(4, 1f, 0f);
        float[][] allCores = run(x, dy);
        float[][] oneCore = java.util.concurrent.Executors.newSingleThreadExecutor().submit(() -> {
            ComputeThreads.limitCurrentThread(1);
            return run(x, dy);
        }).get();
        assertThat(oneCore).isDeepEqualTo(allCores);
    }

    @Test
    void geluInsideThePassesGivesTheBitsOfBatchNormThenGelu() {
        FloatBuffer x = random(5, 2f, 0.3f);
        FloatBuffer dy = random(6, 1f, 0f);
        int size = N * C * HW;
        ChannelBatchNormKernels.Statistics statistics = ChannelBatchNormKernels.statistics(x, BASE, SHAPE);
        Normalisation norm = normalisation(statistics);
        // two layers: BatchNorm, then GELU
        FloatBuffer normalised = buffer(size);
        ChannelBatchNormKernels.forward(x, BASE, normalised, 0, SHAPE, new ChannelBatchNormKernels.Affine(norm.scale(), norm.offset(), false), null);
        FloatBuffer twoLayers = buffer(size);
        GeluKernels.forward(normalised, 0, twoLayers, 0, size);
        FloatBuffer dNormalised = buffer(size);
        GeluKernels.backward(normalised, 0, dy, BASE, dNormalised, 0, size);
        FloatBuffer twoLayersDx = buffer(size);
        float[][] twoLayersParameters = {new float[C], new float[C]};
        ChannelBatchNormKernels.backward(x, BASE, dNormalised, 0, twoLayersDx, 0, SHAPE, statistics.mean(), norm.invStd(), norm.gamma(),
                twoLayersParameters[0], twoLayersParameters[1], new ChannelBatchNormKernels.Affine(norm.scale(), norm.offset(), false), null);
        // one layer
        ChannelBatchNormKernels.Affine withGelu = new ChannelBatchNormKernels.Affine(norm.scale(), norm.offset(), true);
        FloatBuffer oneLayer = buffer(size);
        ChannelBatchNormKernels.forward(x, BASE, oneLayer, 0, SHAPE, withGelu, null);
        FloatBuffer oneLayerDx = buffer(size);
        float[][] oneLayerParameters = {new float[C], new float[C]};
        ChannelBatchNormKernels.backward(x, BASE, dy, BASE, oneLayerDx, 0, SHAPE, statistics.mean(), norm.invStd(), norm.gamma(),
                oneLayerParameters[0], oneLayerParameters[1], withGelu, null);

        assertThat(values(oneLayer)).isEqualTo(values(twoLayers));
        assertThat(values(oneLayerDx)).isEqualTo(values(twoLayersDx));
        assertThat(oneLayerParameters).isDeepEqualTo(twoLayersParameters);
        assertThat(values(oneLayer)).isNotEqualTo(values(normalised)); // the GELU did run
    }

    @Test
    void maxPoolingInsideThePassesGivesTheBitsOfPoolingTheOutput() {
        // 11 x 13 maps pool to 5 x 6 (the last row and column left out); x on a grid of 0.5: ties in many windows
        int height = HEIGHT, width = WIDTH, pooledSize = (height / 2) * (width / 2);
        FloatBuffer x = random(7, 1f, 0f);
        for (int i = 0; i < x.capacity(); i++) {
            x.put(i, Math.round(x.get(i) * 2) / 2f);
        }
        ChannelBatchNormKernels.Statistics statistics = ChannelBatchNormKernels.statistics(x, BASE, SHAPE);
        Normalisation norm = normalisation(statistics);
        ChannelBatchNormKernels.Affine withGelu = new ChannelBatchNormKernels.Affine(norm.scale(), norm.offset(), true);
        FloatBuffer full = buffer(N * C * HW);
        ChannelBatchNormKernels.forward(x, BASE, full, 0, SHAPE, withGelu, null);
        // reference: pool the full output, ties to the first of the window in row order
        float[] pooledReference = new float[N * C * pooledSize];
        int[] winnerAt = new int[N * C * pooledSize];
        int ties = 0;
        for (int i = 0, o = 0; i < N; i++) { // in the pooled output's order, channels-last
            for (int py = 0; py < height / 2; py++) {
                for (int px = 0; px < width / 2; px++) {
                    for (int ch = 0; ch < C; ch++, o++) {
                        int best = -1;
                        for (int pixel : new int[]{0, 1, width, width + 1}) {
                            int p = at(i, ch, 2 * py * width + 2 * px + pixel);
                            if (best >= 0 && full.get(p) == full.get(best)) {
                                ties++;
                            }
                            if (best < 0 || full.get(p) > full.get(best)) {
                                best = p;
                            }
                        }
                        pooledReference[o] = full.get(best);
                        winnerAt[o] = best;
                    }
                }
            }
        }
        assertThat(ties).isGreaterThan(100);
        ChannelBatchNormKernels.Pooling pooling = new ChannelBatchNormKernels.Pooling(new byte[N * C * pooledSize]);
        FloatBuffer pooled = buffer(N * C * pooledSize);
        ChannelBatchNormKernels.forward(x, BASE, pooled, 0, SHAPE, withGelu, pooling);
        assertThat(values(pooled)).isEqualTo(pooledReference);

        // backward: the pooled gradient at each window's winner, zeros elsewhere, then BatchNorm + GELU's backward
        FloatBuffer dPooled = random(8, 1f, 0f);
        FloatBuffer dFull = buffer(BASE + N * C * HW);
        for (int o = 0; o < winnerAt.length; o++) {
            dFull.put(BASE + winnerAt[o], dPooled.get(BASE + o));
        }
        FloatBuffer referenceDx = buffer(N * C * HW);
        float[][] referenceParameters = {new float[C], new float[C]};
        ChannelBatchNormKernels.backward(x, BASE, dFull, BASE, referenceDx, 0, SHAPE, statistics.mean(), norm.invStd(), norm.gamma(),
                referenceParameters[0], referenceParameters[1], withGelu, null);
        FloatBuffer dx = buffer(N * C * HW);
        float[][] parameters = {new float[C], new float[C]};
        ChannelBatchNormKernels.backward(x, BASE, dPooled, BASE, dx, 0, SHAPE, statistics.mean(), norm.invStd(), norm.gamma(),
                parameters[0], parameters[1], withGelu, pooling);
        assertThat(values(dx)).isEqualTo(values(referenceDx));
        assertThat(parameters).isDeepEqualTo(referenceParameters);

        // the same pooled gradient in NCHW order, as DL4J's dropout layer hands it back
        FloatBuffer dPooledNchw = buffer(BASE + N * C * pooledSize);
        for (int i = 0; i < N; i++) {
            for (int ch = 0; ch < C; ch++) {
                for (int p = 0; p < pooledSize; p++) {
                    dPooledNchw.put(BASE + (i * C + ch) * pooledSize + p, dPooled.get(BASE + (i * pooledSize + p) * C + ch));
                }
            }
        }
        FloatBuffer fromNchw = buffer(N * C * HW);
        float[][] fromNchwParameters = {new float[C], new float[C]};
        ChannelBatchNormKernels.backward(x, BASE, dPooledNchw, BASE, fromNchw, 0, SHAPE, statistics.mean(), norm.invStd(), norm.gamma(),
                fromNchwParameters[0], fromNchwParameters[1], withGelu, new ChannelBatchNormKernels.Pooling(pooling.winners(), true));
        assertThat(values(fromNchw)).isEqualTo(values(referenceDx));
        assertThat(fromNchwParameters).isDeepEqualTo(referenceParameters);
    }

    /** A BatchNorm layer's maps for {@code statistics}: gamma from 0.5 up, beta 0.1, eps 1e-5. */
    private record Normalisation(float[] gamma, float[] invStd, float[] scale, float[] offset) {
    }

    private static Normalisation normalisation(ChannelBatchNormKernels.Statistics statistics) {
        Normalisation norm = new Normalisation(new float[C], new float[C], new float[C], new float[C]);
        for (int ch = 0; ch < C; ch++) {
            norm.gamma()[ch] = 0.5f + ch / (float) C;
            norm.invStd()[ch] = (float) (1 / Math.sqrt(statistics.variance()[ch] + 1e-5));
            norm.scale()[ch] = norm.gamma()[ch] * norm.invStd()[ch];
            norm.offset()[ch] = 0.1f - statistics.mean()[ch] * norm.scale()[ch];
        }
        return norm;
    }

    private static float[] values(FloatBuffer buffer) {
        float[] values = new float[buffer.capacity()];
        buffer.get(0, values);
        return values;
    }

    /** Mean, variance, dx and dGamma of one forward and backward pass. */
    private static float[][] run(FloatBuffer x, FloatBuffer dy) {
        ChannelBatchNormKernels.Statistics statistics = ChannelBatchNormKernels.statistics(x, BASE, SHAPE);
        float[] ones = new float[C];
        java.util.Arrays.fill(ones, 1f);
        FloatBuffer dx = buffer(N * C * HW);
        float[] dGamma = new float[C];
        ChannelBatchNormKernels.backward(x, BASE, dy, BASE, dx, 0, SHAPE, statistics.mean(), ones, ones, dGamma, new float[C],
                new ChannelBatchNormKernels.Affine(ones, new float[C], false), null);
        float[] dxValues = new float[N * C * HW];
        dx.get(0, dxValues);
        return new float[][]{statistics.mean(), statistics.variance(), dxValues, dGamma};
    }

    private static double[] meanAndVariance(FloatBuffer x, int ch) {
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < N; i++) {
            for (int p = 0; p < HW; p++) {
                double v = x.get(BASE + at(i, ch, p));
                sum += v;
                squares += v * v;
            }
        }
        double mean = sum / (N * HW);
        return new double[]{mean, squares / (N * HW) - mean * mean};
    }

    private static FloatBuffer random(long seed, float scale, float shift) {
        Random random = new Random(seed);
        FloatBuffer buffer = buffer(BASE + N * C * HW);
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (float) random.nextGaussian() * scale + shift);
        }
        return buffer;
    }

    private static FloatBuffer buffer(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
