package org.emnistnet.train.paramavg;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.emnistnet.runtime.ComputeThreads;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Training steps of one network with its minibatch split over {@code R} replicas, each on its own thread limited to
 * one core: data parallelism inside one JVM. On 2 cores two single-core replicas compute a step faster than one
 * network whose oneDNN and Java kernels split every layer over both cores (BENCHMARKS.md, issue 17). Each step is
 * exactly one optimiser step on the whole minibatch: the replicas' gradients (DL4J's are sums over examples) are
 * added into the first replica's, and the network given, which holds the parameters and Adam's state and computes
 * nothing itself, turns their sum into one update for the whole minibatch; every replica copies its parameters
 * before a step. The replicas are separate networks so that they can be reused when DL4J replaces the network
 * (every averaging round, {@link #borrow}). BatchNorm uses each replica's slice for
 * its batch statistics (as PyTorch's DistributedDataParallel without SyncBatchNorm); its running statistics, which
 * DL4J updates through the gradient, are averaged over the replicas instead of added.
 */
public final class ReplicaFit implements AutoCloseable {
    private static final Set<String> RUNNING_STATISTICS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    /**
     * Idle replica sets of this JVM by configuration. DL4J's worker builds a new network for every averaging round;
     * new replica networks on new threads are slow for their first steps (workspaces and per-thread native caches
     * warm up): a single worker trained at 405 images/s with rounds of 10 minibatches and fresh replicas, 614 with
     * rounds of 50. Borrowed sets keep their threads and networks across rounds.
     */
    private static final Map<String, Queue<ReplicaFit>> IDLE = new ConcurrentHashMap<>();

    private MultiLayerNetwork network;
    private final List<MultiLayerNetwork> replicas = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();
    private long seed;
    private String poolKey;
    private long steps;
    private long handOverNanos;
    private long replicaNanos;
    private long updateNanos;

    /**
     * Where this set's steps went, per step: on the calling thread alone, handing the step to the replicas (and
     * copying the minibatch when it is a view); the replicas' work, in parallel, to the last one's end (copying the
     * parameters and their slice, forward and backward passes); on the calling thread alone again, adding the
     * gradients, the updater and the parameter step.
     */
    public record StepTimes(long steps, double handOverMs, double replicasMs, double updateMs) {
        @Override
        public String toString() {
            return String.format("%d steps: hand-over %.1f ms, replicas %.1f ms, gradient sum + updater %.1f ms per step",
                    steps, handOverMs, replicasMs, updateMs);
        }
    }

    /**
     * @param network  the network to train: it holds the parameters and the optimiser state
     * @param replicas how many replicas (threads, one core each) share every minibatch, at least 1
     * @param seed     seeds each replica's dropout per step, so that runs repeat
     */
    public ReplicaFit(MultiLayerNetwork network, int replicas, long seed) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        this.network = network;
        this.seed = seed;
        for (int r = 0; r < replicas; r++) {
            MultiLayerNetwork replica = new MultiLayerNetwork(network.getLayerWiseConfigurations().clone());
            replica.init(network.params().dup(), false);
            this.replicas.add(replica);
            ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
                Thread t = new Thread(runnable, "emnistnet-replica");
                t.setDaemon(true);
                return t;
            });
            threads.add(thread);
        }
    }

    /**
     * A replica set for {@code network}: an idle one of this JVM built for the same configuration, or a new one.
     * Give it back with {@link #giveBack()} when the network's work is done.
     */
    public static ReplicaFit borrow(MultiLayerNetwork network, int replicas, long seed) {
        String key = replicas + "/" + withoutCounters(network.getLayerWiseConfigurations());
        ReplicaFit fit = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
        if (fit == null) {
            fit = new ReplicaFit(network, replicas, seed);
        }
        fit.network = network;
        fit.seed = seed;
        fit.poolKey = key;
        return fit;
    }

    /** Returns a borrowed set to this JVM's idle ones; it keeps its threads and replica networks. */
    public void giveBack() {
        network = null;
        IDLE.get(poolKey).add(this);
    }

    /** The configuration's JSON without the iteration and epoch counts, which change every averaging round. */
    private static String withoutCounters(MultiLayerConfiguration configuration) {
        MultiLayerConfiguration copy = configuration.clone();
        copy.setIterationCount(0);
        copy.setEpochCount(0);
        for (NeuralNetConfiguration layer : copy.getConfs()) {
            layer.setIterationCount(0);
            layer.setEpochCount(0);
        }
        return copy.toJson();
    }

    /**
     * One optimiser step on {@code minibatch}, whose examples are split into contiguous slices, one per replica; a
     * minibatch of fewer examples than replicas (an epoch's last, partial one) uses one replica per example.
     */
    public void fit(DataSet minibatch) {
        // The calling thread's share of a step (copies, the gradient sum, the updater) is small ND4J ops; on OpenMP
        // threads they took 3-4 ms, but 1 step in 8 waited ~100 ms for a second OpenMP thread (benchmark-train's
        // phase times: 12-19 ms per step on average, 6-7 ms on one core).
        // Every core runs a replica, so BLAS gets one thread: its own threads would only take cores from them.
        ComputeThreads.withOneBlasThread(() -> ComputeThreads.onOneCore(() -> step(minibatch)));
    }

    private void step(DataSet minibatch) {
        int examples = minibatch.numExamples();
        int count = Math.min(replicas.size(), examples);
        if (examples < 1) {
            throw new IllegalArgumentException("an empty minibatch cannot be fitted");
        }
        int iteration = network.getIterationCount();
        long start = System.nanoTime();
        INDArray allFeatures = sliceable(minibatch.getFeatures());
        INDArray allLabels = sliceable(minibatch.getLabels());
        List<Future<Double>> scores = new ArrayList<>();
        INDArray parameters = network.params();
        for (int r = 0; r < count; r++) {
            MultiLayerNetwork replica = replicas.get(r);
            long from = (long) examples * r / count;
            long to = (long) examples * (r + 1) / count;
            long replicaSeed = seed * 6_364_136_223_846_793_005L + iteration * 1_442_695_040_888_963_407L + r;
            scores.add(threads.get(r).submit(() -> {
                ComputeThreads.limitCurrentThread(1);
                // each replica copies the parameters and its slice on its own thread, the replicas in parallel; the
                // network and the minibatch (which may live in a workspace of DL4J's prefetching iterator, reused
                // once this step returns) are only read, and this step waits for every replica before it returns
                replica.params().assign(parameters);
                INDArray features;
                INDArray labels;
                try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    features = allFeatures.get(NDArrayIndex.interval(from, to)).dup('c');
                    labels = allLabels.get(NDArrayIndex.interval(from, to)).dup('c');
                }
                Nd4j.getRandom().setSeed(replicaSeed);
                replica.setInput(features);
                replica.setLabels(labels);
                replica.computeGradientAndScore();
                return replica.score() * (to - from);
            }));
        }
        long submitted = System.nanoTime();
        double lossSum = 0;
        for (Future<Double> score : scores) {
            lossSum += await(score);
        }
        long computed = System.nanoTime();
        MultiLayerNetwork first = replicas.get(0);
        INDArray gradient = first.getFlattenedGradients();
        for (int r = 1; r < count; r++) {
            gradient.addi(replicas.get(r).getFlattenedGradients());
        }
        if (count > 1) {
            averageRunningStatistics(first.gradient(), count);
        }
        // the first replica's gradient is "external" to the network's updater (DL4J's case of gradients computed in
        // one network and applied in another): Adam turns it into the update in place
        network.getUpdater().update(network, first.gradient(), iteration, network.getEpochCount(), examples,
                LayerWorkspaceMgr.noWorkspaces());
        parameters.subi(gradient.reshape(parameters.shape())); // what DL4J's step function does
        network.setIterationCount(iteration + 1);
        network.setScore(lossSum / examples);
        steps++;
        handOverNanos += submitted - start;
        replicaNanos += computed - submitted;
        updateNanos += System.nanoTime() - computed;
    }

    /** The mean times of the steps since the last call (for benchmarks), and starts counting again. */
    public StepTimes takeStepTimes() {
        double perStep = Math.max(1, steps) * 1e6;
        StepTimes times = new StepTimes(steps, handOverNanos / perStep, replicaNanos / perStep, updateNanos / perStep);
        steps = 0;
        handOverNanos = 0;
        replicaNanos = 0;
        updateNanos = 0;
        return times;
    }

    /**
     * The array itself, or a copy when it is a view: DL4J's worker re-batches partial minibatches into views that
     * ND4J M2.1 slices wrongly (the second half of a [170, 1, 28, 28] view at offset 86 x 784 came back as an empty
     * array). Copied once per minibatch, not once per replica.
     */
    private static INDArray sliceable(INDArray array) {
        return array.isView() ? array.dup('c') : array;
    }

    /** BatchNorm's running mean and variance arrive as "gradients" (old minus new value): average, not sum. */
    private void averageRunningStatistics(org.deeplearning4j.nn.gradient.Gradient gradient, int count) {
        for (int layer = 0; layer < network.getnLayers(); layer++) {
            if (network.getLayer(layer).conf().getLayer() instanceof BatchNormalization) {
                for (String parameter : RUNNING_STATISTICS) {
                    INDArray view = gradient.getGradientFor(layer + "_" + parameter);
                    if (view != null) {
                        view.divi(count);
                    }
                }
            }
        }
    }

    private static double await(Future<Double> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replicas computed a step", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdownNow);
    }
}
