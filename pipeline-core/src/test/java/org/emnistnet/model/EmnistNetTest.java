package org.emnistnet.model;

import org.emnistnet.runtime.ComputeBackend;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The network's shape, size and outputs. */
class EmnistNetTest {
    private final MultiLayerNetwork network = EmnistNet.create(26, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4));

    @Test
    void hasTheReferenceLayersAndUnderAMillionParameters() {
        // PyTorch counts 589,242 for 26 classes; DL4J adds BatchNorm's running mean and variance (2 x 704) as parameters.
        assertEquals(589_242 + 2 * 704, network.numParams());
        assertTrue(network.numParams() < 1_000_000);
        assertArrayEquals(new long[]{1152, 256}, network.getLayer(EmnistNet.FIRST_DENSE).getParam("W").shape(), "dense after 128 x 3 x 3");
        assertArrayEquals(new long[]{32, 1, 3, 3}, network.getLayer(0).getParam("W").shape());
    }

    /** PyTorch's Conv2d and Linear start from U(-1/sqrt(fanIn), 1/sqrt(fanIn)), i.e. standard deviation 1/sqrt(3 fanIn). */
    @Test
    void startsFromPyTorchsInitialisation() {
        int[][] layerAndFanIn = {{0, 9}, {2, 32 * 9}, {EmnistNet.FIRST_DENSE, 1152}, {EmnistNet.FIRST_DENSE + 4, 256}};
        for (int[] layer : layerAndFanIn) {
            INDArray weights = network.getLayer(layer[0]).getParam("W");
            double bound = 1 / Math.sqrt(layer[1]);
            assertTrue(weights.amaxNumber().doubleValue() <= bound * (1 + 1e-6), "layer " + layer[0] + " within the bound (float)");
            assertEquals(bound / Math.sqrt(3), weights.stdNumber().doubleValue(), bound * 0.1, "layer " + layer[0]);
        }
    }

    @Test
    void trainsWithBeta1CycledByTheOneCycleSchedule() {
        BaseLayer dense = (BaseLayer) network.getLayerWiseConfigurations().getConf(EmnistNet.FIRST_DENSE).getLayer();
        assertInstanceOf(OneCycleAdam.class, dense.getIUpdater());
    }

    @Test
    void forwardGivesOneProbabilityDistributionPerImage() {
        INDArray probabilities = network.output(Nd4j.rand(5, 1, 28, 28));
        assertArrayEquals(new long[]{5, 26}, probabilities.shape());
        INDArray sums = probabilities.sum(1);
        for (int i = 0; i < 5; i++) {
            assertEquals(1.0, sums.getDouble(i), 1e-5);
        }
    }

    @Test
    void theNumberOfClassesComesFromTheDataset() {
        MultiLayerNetwork fashion = EmnistNet.create(10, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4));
        assertArrayEquals(new long[]{2, 10}, fashion.output(Nd4j.rand(2, 1, 28, 28)).shape());
    }

    @Test
    void theConvolutionsRunOnOneDnn() {
        network.output(Nd4j.rand(2, 1, 28, 28));
        assertEquals("MKLDNNConvHelper", ComputeBackend.helperOf(network, 0));
    }

    @Test
    void savesAndRestoresWithItsScheduleAndUpdater() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(network.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        INDArray input = Nd4j.rand(3, 1, 28, 28);
        assertEquals(network.output(input), restored.output(input));
    }
}
