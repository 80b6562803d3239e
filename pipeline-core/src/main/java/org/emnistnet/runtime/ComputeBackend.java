package org.emnistnet.runtime;

import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Properties;

/**
 * Which ND4J backend runs the model (CPU with oneDNN, or CUDA), and the switches that make DL4J use its fast
 * layer helpers. Call {@link #configure()} before the first network is built in a JVM (driver and executors).
 */
public final class ComputeBackend {
    /** DL4J M2.1 disables its layer helpers (oneDNN on CPU, cuDNN on GPU) unless this property is "false". */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private ComputeBackend() {
    }

    /** Turns DL4J's layer helpers on unless the user set the property explicitly. Idempotent. */
    public static void configure() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
    }

    /** "CPU" or "CUDA": the backend ND4J loaded. */
    public static String backendName() {
        Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
        return String.valueOf(info.getProperty("backend", "unknown"));
    }

    public static boolean isCuda() {
        return "CUDA".equalsIgnoreCase(backendName());
    }

    /**
     * Whether arrays live in host memory, where EMNISTNet's Java layer kernels can read and write them in place
     * (ND4J's CPU backend). On CUDA the layers use DL4J's (cuDNN) code. Decided once per JVM.
     */
    public static boolean hostMemory() {
        return HostMemory.CPU;
    }

    private static final class HostMemory {
        static final boolean CPU = !isCuda();
    }

    /** A line for logs and provenance: backend, oneDNN state or the CUDA device. */
    public static String describe() {
        Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
        if (isCuda()) {
            return "CUDA backend, devices: " + info.getOrDefault("cuda.devicesInformation", "?");
        }
        return "CPU backend, oneDNN " + (isOneDnnEnabled() ? "on" : "OFF") + ", "
                + info.getOrDefault("cores", "?") + " cores, " + Nd4j.getEnvironment().maxMasterThreads() + " threads";
    }

    /** True when ND4J's native library has oneDNN and DL4J can see it (through the M2.1 bridge class). */
    public static boolean isOneDnnEnabled() {
        return !isCuda() && org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN();
    }

    /** The helper class name of a layer ("MKLDNNConvHelper", "CudnnConvolutionHelper") or "none". */
    public static String helperOf(MultiLayerNetwork network, int layerIndex) {
        LayerHelper helper = network.getLayer(layerIndex).getHelper();
        return helper == null ? "none" : helper.getClass().getSimpleName();
    }

}
