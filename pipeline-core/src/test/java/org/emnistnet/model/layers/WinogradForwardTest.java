package org.emnistnet.model.layers;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward convolution computed as the backward-data pass of its mirror image ({@link WinogradForward}, on
 * oneDNN's Winograd kernels) is the convolution: it matches a direct convolution in double precision, with more
 * output than input channels, fewer, and equal; switched on, EMNISTNet's layers use it on their 28x28 and 14x14
 * maps only.
 */
class WinogradForwardTest {

    /** 3x3 "same" convolution, NCHW, weights [out, in, 3, 3], in double precision (ND4J's own loops). */
    private static INDArray directInDouble(INDArray input, INDArray weights) {
        INDArray x = input.castTo(DataType.DOUBLE);
        INDArray w = weights.castTo(DataType.DOUBLE);
        INDArray out = Nd4j.create(DataType.DOUBLE, x.size(0), w.size(0), x.size(2), x.size(3));
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w).addOutputs(out)
                // kernel, stride, padding, dilation, explicit padding, NCHW, weights [out, in, kH, kW]
                .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1).build());
        return out;
    }

    /** How far {@code output} is from the double-precision convolution, relative to the latter's norm. */
    private static double relativeToDirect(INDArray output, INDArray input, INDArray weights) {
        INDArray expected = directInDouble(input, weights);
        return expected.sub(output.castTo(DataType.DOUBLE)).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
    }

    @Test
    void theMirroredBackwardPassIsTheConvolution() {
        int[][] cases = {{3, 32, 32, 28}, {2, 32, 64, 14}, {5, 64, 32, 14}, {1, 1, 32, 28}, {4, 16, 16, 15}};
        for (int[] c : cases) {
            Nd4j.getRandom().setSeed(c[0] * 1000L + c[1] + c[2]);
            INDArray input = Nd4j.randn(DataType.FLOAT, c[0], c[1], c[3], c[3]);
            INDArray weights = Nd4j.rand(DataType.FLOAT, c[2], c[1], 3, 3).subi(0.5);
            INDArray output = Nd4j.create(DataType.FLOAT, c[0], c[2], c[3], c[3]);
            new WinogradForward().convolve(input, weights, output);
            assertThat(relativeToDirect(output, input, weights)).as("images, in, out, side = %s", java.util.Arrays.toString(c)).isLessThan(1e-5);
        }
    }

    @Test
    void weightsChangedBetweenCallsAreUsed() {
        WinogradForward forward = new WinogradForward();
        INDArray input = Nd4j.randn(DataType.FLOAT, 2, 8, 14, 14);
        INDArray weights = Nd4j.rand(DataType.FLOAT, 8, 8, 3, 3);
        INDArray output = Nd4j.create(DataType.FLOAT, 2, 8, 14, 14);
        forward.convolve(input, weights, output);
        weights.muli(-2);
        forward.convolve(input, weights, output);
        assertThat(relativeToDirect(output, input, weights)).isLessThan(1e-5);
    }

    @Test
    void emnistNetConvolvesItsLargeMapsOnWinogradAndItsSmallOnesDirectlyWhenSwitchedOn() {
        assertThat(LinearConvolution.winogradForward()).as("off unless -Demnistnet.winogradForward=true").isFalse();
        MultiLayerNetwork net = EmnistNet.create(10, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4));
        int[] sides = {28, 14, 14, 7, 7}; // the linear convolutions' input maps, in order
        List<Boolean> winograd = new ArrayList<>();
        for (int i = 0, next = 0; i < net.getnLayers(); i++) {
            if (net.getLayer(i) instanceof LinearConvolutionLayer layer) {
                INDArray input = Nd4j.create(DataType.FLOAT, 2, layer.getParam("W").size(1), sides[next], sides[next]);
                assertThat(layer.forwardOnWinograd(input)).isFalse();
                LinearConvolution.winogradForward(true);
                try {
                    winograd.add(layer.forwardOnWinograd(input));
                } finally {
                    LinearConvolution.winogradForward(false);
                }
                next++;
            }
        }
        assertThat(winograd).containsExactly(true, true, true, false, false);
    }
}
