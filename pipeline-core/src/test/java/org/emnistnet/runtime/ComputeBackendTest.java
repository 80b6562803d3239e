package org.emnistnet.runtime;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast CPU path every later stage depends on: ND4J with oneDNN, and DL4J actually using it. */
class ComputeBackendTest {

    @Test
    void nd4jRunsOnTheCpuBackendWithOneDnnSwitchedOn() {
        ComputeBackend.configure();
        assertEquals("CPU", ComputeBackend.backendName());
        assertTrue(ComputeBackend.isOneDnnEnabled(),
                "ND4J's native library must be the oneDNN build (classifier linux-x86_64-onednn-avx2)");
    }

    @Test
    void convolutionBatchNormAndPoolingLayersGetOneDnnHelpers() {
        ComputeBackend.configure();
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build());
        network.init();
        network.output(Nd4j.rand(2, 1, 8, 8));

        assertEquals("MKLDNNConvHelper", ComputeBackend.helperOf(network, 0),
                "DL4J fell back to its slow built-in convolution: is -D" + ComputeBackend.HELPERS_DISABLE_PROPERTY
                        + "=false set and the org.nd4j.nativeblas.Nd4jCpu bridge on the classpath?");
        assertEquals("MKLDNNBatchNormHelper", ComputeBackend.helperOf(network, 1));
        assertEquals("MKLDNNSubsamplingHelper", ComputeBackend.helperOf(network, 2));
    }
}
