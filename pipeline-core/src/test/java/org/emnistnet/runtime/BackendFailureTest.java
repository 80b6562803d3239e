package org.emnistnet.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What a user sees when ND4J's backend cannot start, e.g. the CUDA build on a machine without a GPU. */
class BackendFailureTest {
    /** The chain ND4J M2.1 throws for the CUDA build without a driver (observed with the -Pcuda jar on this machine). */
    private static final Throwable CUDA_WITHOUT_DRIVER = new ExceptionInInitializerError(new RuntimeException(
            new RuntimeException("Please ensure that you have an nd4j backend on your classpath",
                    new UnsatisfiedLinkError("/root/.javacpp/cache/cuda-11.6-8.3-1.5.7-linux-x86_64.jar/org/bytedeco/cuda/"
                            + "linux-x86_64/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory"))));

    @Test
    void theCudaBuildWithoutAGpuSaysSoInOneLineNamingTheMissingDriver() {
        String line = ComputeBackend.explain(CUDA_WITHOUT_DRIVER, true);
        assertThat(line).startsWith("no CUDA device visible: ").contains("libcuda.so.1: cannot open shared object file")
                .contains("use the CPU build").doesNotContain("\n");
    }

    @Test
    void theCpuBuildNamesTheRootCause() {
        assertThat(ComputeBackend.explain(new RuntimeException(new IllegalStateException("no AVX2")), false))
                .isEqualTo("ND4J's CPU backend would not start: IllegalStateException: no AVX2");
    }

    @Test
    void thisBuildIsTheCpuBuildAndItsBackendStarts() {
        assertFalse(ComputeBackend.cudaBuild());
        ComputeBackend.configure();
        assertThat(ComputeBackend.backendName()).isEqualToIgnoringCase("CPU");
    }
}
