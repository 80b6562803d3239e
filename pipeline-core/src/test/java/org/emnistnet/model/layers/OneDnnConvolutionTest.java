package org.emnistnet.model.layers;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.runtime.ComputeThreads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * oneDNN called directly ({@link OneDnnConvolution}) computes the convolution and both of its gradients, in NHWC
 * with DL4J's {@code [out, in, kH, kW]} weights: it matches ND4J's own double-precision loops for "same" and
 * explicit padding, strides 1 and 2; it reads and writes arrays that are views into larger buffers (DL4J's
 * parameters and gradients are) without touching their neighbours; threads using the same geometry at once get the
 * answers each would get alone, even when their OpenMP thread counts differ; more geometries than the pool keeps
 * free the oldest, which are rebuilt alike;
 * EMNISTNet trains on it as on ND4J's ops; and an array it cannot read in place is refused with what was expected.
 */
class OneDnnConvolutionTest {

    @BeforeAll
    static void oneDnnLoads() {
        assumeTrue(OneDnnConvolution.available(), "oneDNN's library is for linux-x86_64 only");
    }

    /** One case: {@code images x height x width x in} to {@code out} channels, 3x3 kernel. */
    private record Case(int images, int in, int out, int height, int width, int stride, int padding, boolean same) {
        int outHeight() {
            return same ? (height + stride - 1) / stride : (height + 2 * padding - 3) / stride + 1;
        }

        int outWidth() {
            return same ? (width + stride - 1) / stride : (width + 2 * padding - 3) / stride + 1;
        }

        /** The top-left padding DL4J's "same" mode computes; else the explicit one. */
        int[] padTopLeft() {
            if (!same) {
                return new int[] {padding, padding};
            }
            return new int[] {Math.max((outHeight() - 1) * stride + 3 - height, 0) / 2, Math.max((outWidth() - 1) * stride + 3 - width, 0) / 2};
        }

        OneDnnConvolution.Geometry geometry() {
            return OneDnnConvolution.Geometry.of(images, in, out, height, width, outHeight(), outWidth(),
                    new int[] {3, 3}, new int[] {stride, stride}, padTopLeft());
        }

        /** ND4J's conv2d(_bp) arguments: NHWC, weights [out, in, kH, kW]. */
        int[] nd4jArguments() {
            int[] pad = padTopLeft();
            return new int[] {3, 3, stride, stride, pad[0], pad[1], 1, 1, same ? 1 : 0, 1, 1};
        }
    }

    private static final Case[] CASES = {
            new Case(3, 32, 32, 28, 28, 1, 1, true),  // EMNISTNet's first LinearConvolution
            new Case(2, 32, 64, 14, 14, 1, 1, true),
            new Case(4, 128, 128, 7, 7, 1, 1, true),
            new Case(2, 5, 7, 9, 6, 1, 1, true),      // odd channel counts, not square
            new Case(2, 8, 16, 11, 10, 2, 1, false),  // stride 2, explicit padding, truncated bottom row
            new Case(3, 16, 8, 12, 12, 2, 0, true),   // stride 2, "same" with padding at the bottom and right only
    };

    private static INDArray nd4jInDouble(String op, Case c, INDArray[] inputs, long[]... outputShapes) {
        INDArray[] outputs = Arrays.stream(outputShapes).map(shape -> Nd4j.create(DataType.DOUBLE, shape)).toArray(INDArray[]::new);
        Nd4j.exec(DynamicCustomOp.builder(op)
                .addInputs(Arrays.stream(inputs).map(input -> input.castTo(DataType.DOUBLE)).toArray(INDArray[]::new))
                .addOutputs(outputs)
                .addIntegerArguments(c.nd4jArguments())
                .build());
        return outputs.length == 1 ? outputs[0] : Nd4j.concat(0, outputs[0].reshape(-1), outputs[1].reshape(-1));
    }

    private static double relativeError(INDArray actual, INDArray expected) {
        INDArray e = expected.castTo(DataType.DOUBLE).reshape(-1);
        return e.sub(actual.castTo(DataType.DOUBLE).reshape(-1)).norm2Number().doubleValue() / e.norm2Number().doubleValue();
    }

    private static INDArray[] random(Case c, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray input = Nd4j.randn(DataType.FLOAT, c.images, c.height, c.width, c.in);
        INDArray weights = Nd4j.rand(DataType.FLOAT, c.out, c.in, 3, 3).subi(0.5);
        INDArray outputGradient = Nd4j.randn(DataType.FLOAT, c.images, c.outHeight(), c.outWidth(), c.out);
        return new INDArray[] {input, weights, outputGradient};
    }

    /** {output, input gradient, weight gradient} from oneDNN called directly. */
    private static INDArray[] direct(Case c, INDArray input, INDArray weights, INDArray outputGradient) {
        INDArray output = Nd4j.create(DataType.FLOAT, c.images, c.outHeight(), c.outWidth(), c.out);
        INDArray inputGradient = Nd4j.create(DataType.FLOAT, input.shape());
        INDArray weightGradient = Nd4j.create(DataType.FLOAT, weights.shape());
        OneDnnConvolution.forward(c.geometry(), input, weights, output);
        OneDnnConvolution.backward(c.geometry(), input, weights, outputGradient, inputGradient, weightGradient);
        return new INDArray[] {output, inputGradient, weightGradient};
    }

    @Test
    void theConvolutionAndBothGradientsMatchDoublePrecision() {
        for (Case c : CASES) {
            INDArray[] data = random(c, c.hashCode());
            INDArray[] got = direct(c, data[0], data[1], data[2]);
            INDArray output = nd4jInDouble("conv2d", c, new INDArray[] {data[0], data[1]},
                    new long[] {c.images, c.outHeight(), c.outWidth(), c.out});
            INDArray gradients = nd4jInDouble("conv2d_bp", c, data, data[0].shape(), data[1].shape());
            long inputLength = data[0].length();
            assertThat(relativeError(got[0], output)).as("output, %s", c).isLessThan(1e-5);
            assertThat(relativeError(got[1], gradients.get(NDArrayIndex.interval(0, inputLength)))).as("input gradient, %s", c).isLessThan(1e-5);
            assertThat(relativeError(got[2], gradients.get(NDArrayIndex.interval(inputLength, gradients.length())))).as("weight gradient, %s", c).isLessThan(1e-5);
        }
    }

    @Test
    void weightsAndTheirGradientMayBeViewsIntoLargerBuffers() {
        Case c = CASES[3];
        INDArray[] data = random(c, 7);
        INDArray[] alone = direct(c, data[0], data[1], data[2]);
        long size = data[1].length();
        // as DL4J's parameters and gradients: one flat buffer, each layer's weights a view at an offset
        INDArray parameters = Nd4j.rand(DataType.FLOAT, 1, size + 100);
        INDArray weights = parameters.get(NDArrayIndex.point(0), NDArrayIndex.interval(37, 37 + size)).reshape('c', data[1].shape());
        weights.assign(data[1]);
        INDArray gradients = Nd4j.valueArrayOf(new long[] {1, size + 100}, -3f, DataType.FLOAT);
        INDArray weightGradient = gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(37, 37 + size)).reshape('c', data[1].shape());
        INDArray output = Nd4j.create(DataType.FLOAT, alone[0].shape());
        INDArray inputGradient = Nd4j.create(DataType.FLOAT, alone[1].shape());
        OneDnnConvolution.forward(c.geometry(), data[0], weights, output);
        OneDnnConvolution.backward(c.geometry(), data[0], weights, data[2], inputGradient, weightGradient);
        assertThat(output).isEqualTo(alone[0]);
        assertThat(inputGradient).isEqualTo(alone[1]);
        assertThat(weightGradient).isEqualTo(alone[2]);
        assertThat(gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 37)).maxNumber().floatValue()).isEqualTo(-3f);
        assertThat(gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(37 + size, size + 100)).minNumber().floatValue()).isEqualTo(-3f);
    }

    private static <T> T onThreads(int threads, java.util.function.Supplier<T> work) {
        ComputeThreads.limitCurrentThread(threads);
        try {
            return work.get();
        } finally {
            ComputeThreads.releaseCurrentThread();
        }
    }

    @Test
    void threadsSharingAGeometryGetWhatEachGetsAlone() throws Exception {
        Case c = CASES[1];
        INDArray[][] data = {random(c, 1), random(c, 2), random(c, 3), random(c, 4)};
        INDArray[][] alone = new INDArray[data.length][];
        for (int i = 0; i < data.length; i++) { // half of them on one OpenMP thread, half on two
            int threads = i % 2 + 1;
            INDArray[] mine = data[i];
            alone[i] = onThreads(threads, () -> direct(c, mine[0], mine[1], mine[2]));
        }
        ExecutorService threads = Executors.newFixedThreadPool(data.length);
        try {
            Future<?>[] runs = new Future<?>[data.length];
            for (int i = 0; i < data.length; i++) {
                INDArray[] mine = data[i];
                INDArray[] expected = alone[i];
                int openMp = i % 2 + 1;
                runs[i] = threads.submit((Callable<Void>) () -> onThreads(openMp, () -> {
                    for (int round = 0; round < 5; round++) {
                        INDArray[] got = direct(c, mine[0], mine[1], mine[2]);
                        for (int k = 0; k < 3; k++) {
                            assertThat(got[k]).isEqualTo(expected[k]);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void moreGeometriesThanThePoolKeepsFreeTheOldestWhichAreRebuiltAlike() {
        Case first = new Case(1, 4, 6, 5, 5, 1, 1, true);
        INDArray[] data = random(first, 11);
        INDArray[] before = direct(first, data[0], data[1], data[2]);
        for (int images = 2; images < 2 + OneDnnConvolution.Pool.KEYS + 5; images++) {
            Case other = new Case(images, 4, 6, 5, 5, 1, 1, true);
            INDArray[] more = random(other, images);
            direct(other, more[0], more[1], more[2]);
        }
        INDArray[] after = direct(first, data[0], data[1], data[2]);
        for (int k = 0; k < 3; k++) {
            assertThat(after[k]).isEqualTo(before[k]);
        }
    }

    @Test
    void emnistNetTrainsAsOnNd4jsOps() {
        Nd4j.getRandom().setSeed(5);
        INDArray images = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % 10, 1);
        }
        INDArray[] parameters = new INDArray[2];
        boolean setting = LinearConvolution.directOneDnn();
        try {
            for (int way = 0; way < 2; way++) {
                LinearConvolution.directOneDnn(way == 0);
                MultiLayerNetwork network = EmnistNet.create(10, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4));
                for (int step = 0; step < 3; step++) {
                    network.fit(new DataSet(images, labels));
                }
                parameters[way] = network.params().dup();
            }
        } finally {
            LinearConvolution.directOneDnn(setting);
        }
        // the same kernels: the same bits where both libraries pick them (as here, AVX-512), within float rounding elsewhere
        assertThat(relativeError(parameters[0], parameters[1])).isLessThan(1e-5);
    }

    @Test
    void anArrayThatIsNotDenseInCOrderIsRefused() {
        Case c = CASES[3];
        INDArray[] data = random(c, 9);
        INDArray output = Nd4j.create(DataType.FLOAT, c.images, c.outHeight(), c.outWidth(), c.out);
        INDArray nchwInput = data[0].permute(0, 3, 1, 2).dup('c').permute(0, 2, 3, 1); // NHWC-shaped, NCHW memory
        assertThatThrownBy(() -> OneDnnConvolution.forward(c.geometry(), nchwInput, data[1], output))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a dense c-ordered float array of " + data[0].length() + " elements")
                .hasMessageContaining("strides");
    }
}
