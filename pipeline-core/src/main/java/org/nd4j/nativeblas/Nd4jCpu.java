package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * A bridge for a class that no longer exists under this name.
 *
 * <p>Why: DL4J 1.0.0-M2.1's {@code BaseMKLDNNHelper} decides whether its oneDNN (MKL-DNN) layer helpers may run by
 * looking up {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection and calling
 * {@code getInstance().isUseMKLDNN()}. ND4J M2.1 moved that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the method {@code isUseONEDNN()}, so the
 * lookup fails and DL4J silently runs every convolution, BatchNorm and pooling layer on its slow built-in path
 * (about 6x slower here). This class answers the old question with the real backend's answer; nothing else.
 *
 * <p>It is reflective so that the project also compiles against the CUDA backend, where DL4J never asks.
 * {@code org.emnistnet.runtime.ComputeBackendTest} fails when the fast path is not active.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private static final String REAL_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** True when ND4J's native CPU library was built with oneDNN and has it switched on. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> real = Class.forName(REAL_ENVIRONMENT);
                Object environment = real.getMethod("getInstance").invoke(null);
                Method useOneDnn = real.getMethod("isUseONEDNN");
                return (Boolean) useOneDnn.invoke(environment);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
