package org.emnistnet.runtime;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.stream.IntStream;

/**
 * How many cores the current thread's layer work may use. By default all of them: EMNISTNet's Java kernels split
 * their loops over the common fork-join pool and oneDNN uses its OpenMP threads. Parameter-averaging workers that
 * share one JVM's cores (local[N], or several task slots per executor) each get their share instead
 * ({@link #limitCurrentThread}): otherwise two workers on two cores each ask for two threads and spend the step
 * handing work over. OpenMP's thread count is per calling thread, so the limit stays with the worker's thread
 * until {@link #releaseCurrentThread}.
 */
public final class ComputeThreads {
    private static final ThreadLocal<Limit> LIMIT = new ThreadLocal<>();
    /** Guards the process-wide BLAS thread count ({@link #withOneBlasThread}). */
    private static final Object BLAS = new Object();
    private static int oneBlasThreadUsers;
    private static int blasThreadsBefore;
    /** {@code -Demnistnet.oneBlasThread=false} leaves BLAS its threads in {@link #withOneBlasThread} (for A/B runs). */
    public static final String ONE_BLAS_THREAD_PROPERTY = "emnistnet.oneBlasThread";
    private static volatile boolean oneBlasThread = !"false".equals(System.getProperty(ONE_BLAS_THREAD_PROPERTY));

    private record Limit(int threads, int openMpBefore) {
    }

    private ComputeThreads() {
    }

    /** Limits the current thread's layer work to {@code threads} cores (Java kernels and, on the CPU, oneDNN). */
    public static void limitCurrentThread(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads per worker must be >= 1, got " + threads);
        }
        Limit current = LIMIT.get();
        if (current != null && current.threads() == threads) {
            return;
        }
        int openMpBefore = current != null ? current.openMpBefore() : openMpThreads();
        LIMIT.set(new Limit(threads, openMpBefore));
        setOpenMpThreads(threads);
    }

    /** Gives the current thread all cores again. */
    public static void releaseCurrentThread() {
        Limit current = LIMIT.get();
        if (current != null) {
            LIMIT.remove();
            setOpenMpThreads(current.openMpBefore());
        }
    }

    /** Runs {@code work} with the current thread limited to one core, then gives it back the limit it had. */
    public static void onOneCore(Runnable work) {
        int before = currentLimit();
        limitCurrentThread(1);
        try {
            work.run();
        } finally {
            if (before == 0) {
                releaseCurrentThread();
            } else {
                limitCurrentThread(before);
            }
        }
    }

    /**
     * Runs {@code work} with ND4J's BLAS (OpenBLAS: the dense layers' matrix products) on one thread, process-wide,
     * then gives it back its thread count once no caller needs one thread any more. For work whose threads already
     * keep every core busy (the replicas of {@code ReplicaFit}): OpenBLAS's count is global, not per calling thread
     * like OpenMP's, so a replica limited to one core still split its dense layers with OpenBLAS's own thread, and that
     * thread then spun on {@code sched_yield} waiting for more work, ~18 % of a core taken from the replicas (perf,
     * BENCHMARKS.md). OpenBLAS splits a product by rows and columns, never along the sum, so the results are the same.
     */
    public static void withOneBlasThread(Runnable work) {
        if (!oneBlasThread || !ComputeBackend.hostMemory()) {
            work.run();
            return;
        }
        synchronized (BLAS) {
            if (oneBlasThreadUsers++ == 0) {
                blasThreadsBefore = Nd4j.factory().blas().getMaxThreads();
                Nd4j.factory().blas().setMaxThreads(1);
            }
        }
        try {
            work.run();
        } finally {
            synchronized (BLAS) {
                if (--oneBlasThreadUsers == 0) {
                    Nd4j.factory().blas().setMaxThreads(blasThreadsBefore);
                }
            }
        }
    }

    /** Whether {@link #withOneBlasThread} limits BLAS (the default) or only runs its work. */
    public static boolean oneBlasThread() {
        return oneBlasThread;
    }

    /** Switches {@link #withOneBlasThread}'s limit on or off for the whole JVM (benchmarks' A/B runs). */
    public static void oneBlasThread(boolean on) {
        oneBlasThread = on;
    }

    /** ND4J's BLAS threads now (process-wide); 0 off the CPU backend. */
    public static int blasThreads() {
        return ComputeBackend.hostMemory() ? Nd4j.factory().blas().getMaxThreads() : 0;
    }

    /** The current thread's limit, or 0 when it has none. */
    public static int currentLimit() {
        Limit current = LIMIT.get();
        return current == null ? 0 : current.threads();
    }

    /** {@code [from, to)} as a stream that runs in parallel unless the current thread is limited to one core. */
    public static IntStream range(int from, int to) {
        IntStream range = IntStream.range(from, to);
        Limit current = LIMIT.get();
        return current != null && current.threads() == 1 ? range : range.parallel();
    }

    /** The OpenMP threads the calling thread's native work (ND4J's ops, oneDNN) runs on now; 0 off the CPU backend. */
    public static int openMpThreads() {
        return ComputeBackend.hostMemory() ? nativeOps().ompGetMaxThreads() : 0;
    }

    private static void setOpenMpThreads(int threads) {
        if (ComputeBackend.hostMemory() && threads > 0) {
            nativeOps().setOmpNumThreads(threads);
        }
    }

    private static NativeOps nativeOps() {
        return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }
}
