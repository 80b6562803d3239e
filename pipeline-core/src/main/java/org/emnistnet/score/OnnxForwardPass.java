package org.emnistnet.score;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.apache.spark.TaskContext;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.ModelBytes;
import org.emnistnet.model.OnnxExport;
import org.emnistnet.runtime.GpuPinning;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * ONNX Runtime on the model's ONNX form: {@code model.onnx} when the model came with one (verified when it was
 * loaded), otherwise exported in memory from the DL4J model ({@link OnnxExport}, a few milliseconds).
 *
 * <p>A session is thread-safe, so an executor JVM holds one per model (bounded, least recently used first out),
 * shared by its task threads. Its intra-op threads are the task's cores ({@code spark.task.cpus}; outside a task,
 * the JVM's processors): tasks x threads never exceed the executor's cores, and concurrent tasks each run on their
 * own thread. On a task that Spark assigned a GPU, the session runs on ONNX Runtime's CUDA provider (the
 * {@code cuda} profile's {@code onnxruntime_gpu}); where that provider is not usable, scoring fails with one line.
 */
final class OnnxForwardPass implements ForwardPass {
    /**
     * ONNX Runtime's CPU kernels need more stack than a JVM thread has by default (1 MiB): on a plain
     * {@code java} main thread, session creation crashed the JVM with SIGSEGV and no hs_err file (measured; with
     * -Xss16m it ran). Every call into it therefore runs on a thread of this pool, with a stack of its own size,
     * whatever thread asks (a task thread, a notebook's, a driver's main). A hand-off costs microseconds; a batch
     * of 1024 images costs ~0.2 s.
     */
    private static final long NATIVE_STACK_BYTES = 64L << 20;
    private static final ExecutorService NATIVE = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(null, work, "onnxruntime-" + count.incrementAndGet(), NATIVE_STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        }
    });
    private static final Map<String, Session> SESSIONS = ModelCache.leastRecentlyUsed(ModelCache.CAPACITY,
            session -> onNativeStack(() -> {
                session.close();
                return null;
            }));
    private final ModelBytes model;
    private final int threads;
    private final Optional<String> gpu;
    private Session session;

    private OnnxForwardPass(ModelBytes model, int threads, Optional<String> gpu) {
        this.model = model;
        this.threads = threads;
        this.gpu = gpu;
        this.session = session();
    }

    /** A forward pass of {@code model} on this task's share of the machine (its cores, its GPU if any). */
    static OnnxForwardPass of(ModelBytes model) {
        TaskContext task = TaskContext.get();
        int threads = task != null ? task.cpus() : Runtime.getRuntime().availableProcessors();
        return new OnnxForwardPass(model, threads, GpuPinning.pinToAssignedGpu());
    }

    private Session session() {
        String key = model.sha256() + "/" + threads + "/" + gpu.orElse("cpu");
        synchronized (SESSIONS) {
            return SESSIONS.computeIfAbsent(key, k -> onNativeStack(() -> Session.open(model, threads, gpu)));
        }
    }

    @Override
    public float[][] probabilities(float[] features, int n) {
        float[][] rows = onNativeStack(() -> session.run(features, n));
        while (rows == null) { // evicted (and closed) meanwhile by other models' sessions: open it again
            session = session();
            rows = onNativeStack(() -> session.run(features, n));
        }
        return rows;
    }

    /** {@code work} on a thread with a stack large enough for ONNX Runtime, its exception rethrown here. */
    private static <T> T onNativeStack(Callable<T> work) {
        Future<T> result = NATIVE.submit(work);
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new EmnistNetException("interrupted while ONNX Runtime ran", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new EmnistNetException("ONNX Runtime failed: " + e.getCause(), e.getCause());
        }
    }

    static int openSessions() {
        synchronized (SESSIONS) {
            return SESSIONS.size();
        }
    }

    /** A session, closed only once no thread is running it (an eviction waits for the runs under way). */
    private static final class Session {
        private final OrtSession session;
        private final ReadWriteLock closing = new ReentrantReadWriteLock();
        private boolean closed;

        private Session(OrtSession session) {
            this.session = session;
        }

        static Session open(ModelBytes model, int threads, Optional<String> gpu) {
            byte[] onnx = model.onnx().orElseGet(() -> OnnxExport.of(model.restore(), Map.of()));
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (gpu.isPresent()) {
                    addCuda(options, gpu.get());
                }
                return new Session(environment.createSession(onnx, options));
            } catch (OrtException e) {
                throw new EmnistNetException(model.onnxSource() + ": ONNX Runtime refuses it: " + e.getMessage(), e);
            }
        }

        private static void addCuda(OrtSession.SessionOptions options, String gpu) {
            try {
                options.addCUDA(Integer.parseInt(gpu.trim()));
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                throw new EmnistNetException("GPU " + gpu + " was assigned to this task but ONNX Runtime cannot use it ("
                        + e.getMessage() + "): build with -Pcuda (onnxruntime_gpu, CUDA 12 and a current driver), or score"
                        + " with engine dl4j", e);
            }
        }

        /** The batch's probability rows, or null when the session was closed. */
        float[][] run(float[] features, int n) {
            closing.readLock().lock();
            if (closed) {
                closing.readLock().unlock();
                return null;
            }
            try (OnnxTensor input = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(features, 0,
                    n * ImageSchema.PIXEL_COUNT), new long[]{n, 1, ImageSchema.SIDE, ImageSchema.SIDE});
                 OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
                FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
                int classes = values.remaining() / n;
                float[][] rows = new float[n][classes];
                for (float[] row : rows) {
                    values.get(row);
                }
                return rows;
            } catch (OrtException e) {
                throw new EmnistNetException("ONNX Runtime failed on a batch of " + n + " images: " + e.getMessage(), e);
            } finally {
                closing.readLock().unlock();
            }
        }

        void close() {
            closing.writeLock().lock();
            try {
                closed = true;
                session.close();
            } catch (OrtException e) {
                throw new EmnistNetException("cannot close an ONNX Runtime session: " + e.getMessage(), e);
            } finally {
                closing.writeLock().unlock();
            }
        }
    }
}
