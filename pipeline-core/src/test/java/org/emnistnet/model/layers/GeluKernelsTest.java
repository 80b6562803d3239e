package org.emnistnet.model.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELUDerivative;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java GELU equals ND4J's GELU and GELU derivative ops to float rounding, far into both tails. */
class GeluKernelsTest {

    @Test
    void forwardAndBackwardEqualNd4jsOps() {
        Nd4j.getRandom().setSeed(3);
        int length = 3 * 4096 + 123; // whole chunks and a partial one
        INDArray x = Nd4j.rand(DataType.FLOAT, length).subi(0.5).muli(40); // [-20, 20): both saturated tails
        INDArray dOut = Nd4j.rand(DataType.FLOAT, length).subi(0.5);

        INDArray expected = Nd4j.createUninitialized(DataType.FLOAT, length);
        Nd4j.exec(new GELU(x, expected));
        INDArray actual = Nd4j.createUninitialized(DataType.FLOAT, length);
        GeluKernels.forward(x.data().asNioFloat(), 0, actual.data().asNioFloat(), 0, length);
        assertThat(expected.sub(actual).amaxNumber().doubleValue()).isLessThan(1e-5);

        INDArray expectedGradient = Nd4j.createUninitialized(DataType.FLOAT, length);
        Nd4j.exec(new GELUDerivative(x, expectedGradient));
        expectedGradient.muli(dOut);
        INDArray actualGradient = Nd4j.createUninitialized(DataType.FLOAT, length);
        GeluKernels.backward(x.data().asNioFloat(), 0, dOut.data().asNioFloat(), 0, actualGradient.data().asNioFloat(), 0, length);
        assertThat(expectedGradient.sub(actualGradient).amaxNumber().doubleValue()).isLessThan(1e-6);
    }
}
