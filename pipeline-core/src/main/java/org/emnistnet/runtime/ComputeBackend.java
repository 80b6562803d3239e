package org.emnistnet.runtime;

import org.emnistnet.EmnistNetException;
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

    /**
     * Turns DL4J's layer helpers on unless the user set the property explicitly, and makes sure ND4J has a
     * backend it can start. Idempotent.
     *
     * @throws EmnistNetException with one line saying why, instead of ND4J's "Please ensure that you have an nd4j
     *                            backend on your classpath" (exit 3, 14 s, after Spark has started a job)
     */
    public static void configure() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
        try {
            Nd4j.getBackend();
        } catch (Throwable failed) {
            throw new EmnistNetException(explain(failed, cudaBuild()), failed);
        }
    }

    /** True when this is the CUDA build (ND4J's CUDA backend is on the class path). */
    static boolean cudaBuild() {
        try {
            Class.forName("org.nd4j.linalg.jcublas.JCublasBackend", false, ComputeBackend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** One line for a backend that would not start: what the user sees and can act on. */
    static String explain(Throwable failed, boolean cudaBuild) {
        Throwable root = failed;
        String missingLibrary = null;
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            root = cause;
            if (cause instanceof UnsatisfiedLinkError && missingLibrary == null) {
                missingLibrary = cause.getMessage();
            }
        }
        String detail = missingLibrary != null ? missingLibrary : root.getClass().getSimpleName() + ": " + root.getMessage();
        if (cudaBuild) {
            return "no CUDA device visible: this is the CUDA build (mvn -Pcuda), which needs an NVIDIA GPU, its driver "
                    + "(libcuda.so.1) and the CUDA 11.6 runtime on every machine that runs it; on machines without a GPU use "
                    + "the CPU build (mvn package). ND4J said: " + detail;
        }
        return "ND4J's CPU backend would not start: " + detail;
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
