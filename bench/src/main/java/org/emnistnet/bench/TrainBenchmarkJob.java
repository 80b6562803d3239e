package org.emnistnet.bench;

import org.emnistnet.jobs.Options;
import org.emnistnet.jobs.JobRunner;
import org.emnistnet.jobs.SparkOptions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.model.layers.StatelessDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.model.EmnistNet;

import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.train.paramavg.DistributedTrainer;
import org.emnistnet.train.paramavg.EpochFit;
import org.emnistnet.train.paramavg.ParameterAveragingTrainer;
import org.emnistnet.runtime.ComputeThreads;
import org.emnistnet.model.layers.LinearConvolution;
import org.emnistnet.train.paramavg.ReplicaFit;
import org.emnistnet.train.paramavg.TrainerSettings;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Benchmark: EMNISTNet training throughput on random 28x28 inputs, as the PyTorch anchor measures it. Engine
 * "local": one JVM, {@code MultiLayerNetwork.fit} on batches of --batch. Engine "spark": parameter averaging on
 * the current master with --workers workers of --batch / workers each. Prints images/s per run and the median.
 * Engine "profile": one JVM, the time of each layer's forward and backward pass and of the whole fit step.
 */
@Command(name = "benchmark-train", mixinStandardHelpOptions = true, description = "Training throughput (images/s) on random inputs.")
public final class TrainBenchmarkJob implements Callable<Integer> {
    @Option(names = "--engine", defaultValue = "local",
            description = "${COMPLETION-CANDIDATES} (profile: time per layer). Default: ${DEFAULT-VALUE}.")
    Engine engine;

    /** Where the benchmark trains: one JVM, parameter averaging on Spark, or a per-layer profile. */
    enum Engine { local, spark, profile }

    @Option(names = "--batch", defaultValue = "256")
    int batch;

    @Option(names = "--steps", defaultValue = "30", description = "Minibatches (of --batch) per run.")
    int steps;

    @Option(names = "--runs", defaultValue = "3")
    int runs;

    @Option(names = "--replicas", defaultValue = "1",
            description = "Engine local: split each minibatch over this many single-core replicas in the JVM (ReplicaFit); 1 = DL4J's fit. Default: ${DEFAULT-VALUE}.")
    int replicas;

    @Option(names = "--workers", defaultValue = "2")
    int workers;

    @Option(names = "--averaging-frequency", defaultValue = "5")
    int averagingFrequency;

    @Option(names = "--threads-per-worker", defaultValue = "0",
            description = "Engine spark: cores each worker may use; 0 = the trainer's choice (local: cores / workers; cluster: spark.task.cpus). Engine profile: cores of the profiled step (1 = one replica's view); 0 = all.")
    int threadsPerWorker;

    @Option(names = "--stock-layers", description = "DL4J's stock convolution, BatchNorm and activation layers instead of EMNISTNet's fast ones (same network and maths), for before/after comparisons.")
    boolean stockLayers;

    @Option(names = "--winograd-forward-ab", description = "Engine local with --replicas > 1: alternate the replicas' runs between the convolutions' forward passes on oneDNN's Winograd kernels (-Demnistnet.winogradForward=true) and on its direct kernel (the default), in one JVM.")
    boolean winogradForwardAb;

    @Option(names = "--direct-onednn-ab", description = "Engine local with --replicas > 1: alternate the replicas' runs between the convolutions on oneDNN called directly (the default) and on ND4J's ops (-Demnistnet.directOneDnn=false), in one JVM.")
    boolean directOneDnnAb;

    @Option(names = "--one-blas-thread-ab", description = "Engine local with --replicas > 1: alternate the replicas' runs between BLAS on one thread during their steps (the default) and on all cores (-Demnistnet.oneBlasThread=false), in one JVM.")
    boolean oneBlasThreadAb;

    @Option(names = "--layers-ab", description = "Engine local with --replicas > 1: alternate the replicas' runs between EMNISTNet's training layers as they are and as they were before 2026-12-07 (max-pooling as layers of their own, DL4J's dropout), in one JVM.")
    boolean layersAb;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new TrainBenchmarkJob(), args);
    }

    @Override
    public Integer call() throws Exception {
        MultiLayerNetwork network = EmnistNet.create(26, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 10_000, 0.3, 25, 1e4));
        if (stockLayers) {
            MultiLayerNetwork stock = new MultiLayerNetwork(EmnistNet.withStockLayers(network.getLayerWiseConfigurations()));
            stock.init(network.params(), true);
            network = stock;
        }
        System.out.println("benchmark-train: " + ComputeBackend.describe() + ", " + LinearConvolution.forwardKernels()
                + (stockLayers ? ", DL4J's stock layers" : ""));
        List<Double> rates = new ArrayList<>();
        if (engine == Engine.profile) {
            if (threadsPerWorker > 0) { // a replica's view: ReplicaFit's threads work on one core each
                ComputeThreads.limitCurrentThread(threadsPerWorker);
            }
            printProfile(LayerProfile.measure(network, randomBatch(batch), 3, steps));
            return 0;
        }
        if (engine == Engine.local) {
            Options.atLeast("--replicas", replicas, 1);
            DataSet data = randomBatch(batch);
            if (winogradForwardAb) {
                Options.atLeast("--replicas", replicas, 2);
                rates.addAll(winogradForwardAb(network, data));
            } else if (directOneDnnAb) {
                Options.atLeast("--replicas", replicas, 2);
                rates.addAll(directOneDnnAb(network, data));
            } else if (oneBlasThreadAb) {
                Options.atLeast("--replicas", replicas, 2);
                rates.addAll(switchAb(network, data, "BLAS on one thread", "BLAS on all cores",
                        ComputeThreads.oneBlasThread(), ComputeThreads::oneBlasThread));
            } else if (layersAb) {
                Options.atLeast("--replicas", replicas, 2);
                rates.addAll(layersAb(network, data));
            } else if (replicas == 1) {
                rates.addAll(timeSteps(network::fit, data, "DL4J's fit"));
            } else {
                // both ways in the same JVM, run by run: this machine's speed differs by up to 20 % between JVMs (BENCHMARKS.md)
                MultiLayerNetwork replicated = network.clone();
                try (ReplicaFit replicaFit = new ReplicaFit(replicated, replicas, 42)) {
                    List<Double> single = new ArrayList<>();
                    List<Double> ratios = new ArrayList<>();
                    warmUp(network::fit, data);
                    warmUp(replicaFit::fit, data);
                    for (int run = 0; run < runs; run++) {
                        single.add(timeRun(network::fit, data, run, "DL4J's fit"));
                        replicaFit.takeStepTimes();
                        rates.add(timeRun(replicaFit::fit, data, run, replicas + " single-core replicas"));
                        System.out.println("benchmark-train:   " + replicaFit.takeStepTimes());
                        ratios.add(rates.get(run) / single.get(run));
                    }
                    System.out.printf("benchmark-train: one JVM, DL4J's fit median %.0f images/s; %d replicas median %.0f images/s; ratio median %.2fx%n",
                            Medians.of(single), replicas, Medians.of(rates), Medians.of(ratios));
                }
            }
        } else {
            try (SparkSession session = spark.open("benchmark-train")) {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
                int perWorker = batch / workers;
                int minibatches = steps * workers;
                JavaRDD<DataSet> rdd = sc.parallelize(java.util.stream.IntStream.range(0, minibatches).boxed().toList(), workers * 2)
                        .map(i -> randomBatch(perWorker));
                String export = Files.createTempDirectory("emnistnet-bench-export").toUri().toString();
                int threads = threadsPerWorker > 0 ? threadsPerWorker : TrainerSettings.threadsPerWorker(sc.sc(), workers);
                // as training decides (TrainingPlan): every core of a worker fits a slice of its minibatches
                TrainerSettings settings = new TrainerSettings(workers, perWorker, averagingFrequency, export, 42, threads, threads);
                System.out.printf("benchmark-train: %d workers x batch %d over %d replicas each, averaging every %d, %d threads per worker%n",
                        workers, perWorker, threads, averagingFrequency, threads);
                DistributedTrainer trainer = new ParameterAveragingTrainer(sc, network, settings,
                        settings.roundsPerEpoch((long) minibatches * perWorker));
                trainer.fitEpoch(rdd, 0); // warm-up round
                for (int run = 0; run < runs; run++) {
                    long start = System.nanoTime();
                    EpochFit fit = trainer.fitEpoch(rdd, run + 1);
                    double wall = (System.nanoTime() - start) / 1e9;
                    rates.add(report(run, fit.images(), start)); // the images the workers fitted
                    System.out.printf("run %d: %.1f s wall; workers inside fit %.1f s each (%.0f %%), the rest (averaging, data, scheduling) %.1f s%n",
                            run + 1, wall, fit.workerFitSeconds() / workers, 100 * fit.computeShare(workers, wall),
                            wall - fit.workerFitSeconds() / workers);
                }
            }
        }
        System.out.printf("benchmark-train: engine %s, median %.0f images/s (%d runs)%n", engine, Medians.of(rates), runs);
        return 0;
    }

    /** The replicas' runs alternated between Winograd and direct forward passes; the Winograd runs' rates. */
    private List<Double> winogradForwardAb(MultiLayerNetwork network, DataSet data) {
        return switchAb(network, data, "forward on Winograd", "direct", LinearConvolution.winogradForward(), LinearConvolution::winogradForward);
    }

    /** The replicas' runs alternated between oneDNN called directly and ND4J's ops; the direct runs' rates. */
    private List<Double> directOneDnnAb(MultiLayerNetwork network, DataSet data) {
        return switchAb(network, data, "oneDNN called directly", "ND4J's ops", LinearConvolution.directOneDnn(), LinearConvolution::directOneDnn);
    }

    /** The replicas' runs alternated between a JVM-wide switch on and off, which is set back after; the on runs' rates. */
    private List<Double> switchAb(MultiLayerNetwork network, DataSet data, String onName, String offName, boolean setting,
                                  java.util.function.Consumer<Boolean> flip) {
        try (ReplicaFit replicaFit = new ReplicaFit(network, replicas, 42)) {
            return alternated(onName, step -> {
                flip.accept(true);
                replicaFit.fit(step);
            }, offName, step -> {
                flip.accept(false);
                replicaFit.fit(step);
            }, data);
        } finally {
            flip.accept(setting);
        }
    }

    /**
     * The replicas' runs alternated between the network as it is and the same network (same parameters) with the
     * layers of before 2026-12-07: max-pooling as layers of their own and DL4J's dropout. The current layers' rates.
     */
    private List<Double> layersAb(MultiLayerNetwork network, DataSet data) {
        String before = EmnistNet.withPoolingLayers(network.getLayerWiseConfigurations()).toJson()
                .replace(StatelessDropout.class.getName(), Dropout.class.getName());
        MultiLayerNetwork previous = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(before));
        previous.init(network.params().dup(), true);
        try (ReplicaFit now = new ReplicaFit(network, replicas, 42); ReplicaFit then = new ReplicaFit(previous, replicas, 42)) {
            return alternated("current layers", now::fit, "layers before 2026-12-07", then::fit, data);
        }
    }

    /** Runs of {@code a} and {@code b} alternated (a-b, b-a, ...), after a warm-up of each; {@code a}'s rates. */
    private List<Double> alternated(String aName, java.util.function.Consumer<DataSet> a, String bName,
                                    java.util.function.Consumer<DataSet> b, DataSet data) {
        List<Double> aRates = new ArrayList<>();
        List<Double> bRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        warmUp(a, data);
        warmUp(b, data);
        for (int run = 0; run < runs; run++) {
            for (boolean first : run % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                (first ? aRates : bRates).add(timeRun(first ? a : b, data, run, first ? aName : bName));
            }
            ratios.add(aRates.get(run) / bRates.get(run));
        }
        System.out.printf("benchmark-train: %d replicas, %s median %.0f images/s, %s %.0f; ratio median %.2fx (%.2f-%.2f)%n",
                replicas, aName, Medians.of(aRates), bName, Medians.of(bRates), Medians.of(ratios),
                java.util.Collections.min(ratios), java.util.Collections.max(ratios));
        return aRates;
    }

    private static final int WARM_UP_STEPS = 15; // JIT (the Java layer kernels), oneDNN primitive caches, workspaces

    private static void warmUp(java.util.function.Consumer<DataSet> step, DataSet data) {
        for (int i = 0; i < WARM_UP_STEPS; i++) {
            step.accept(data);
        }
    }

    private List<Double> timeSteps(java.util.function.Consumer<DataSet> step, DataSet data, String what) {
        warmUp(step, data);
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            rates.add(timeRun(step, data, run, what));
        }
        return rates;
    }

    private double timeRun(java.util.function.Consumer<DataSet> step, DataSet data, int run, String what) {
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.accept(data);
        }
        System.out.print(what + ", ");
        return report(run, (double) steps * batch, start);
    }

    private void printProfile(LayerProfile.Result profile) {
        System.out.printf("%-5s %-34s %10s %10s %12s%n", "layer", "kind", "fwd ms", "bwd ms", "share of fit");
        for (LayerProfile.Entry e : profile.layers()) {
            System.out.printf("%-5d %-34s %10.2f %10.2f %11.1f%%%n", e.index(), e.kind(), e.forwardMs(), e.backwardMs(),
                    100 * profile.shareOfFit(e));
        }
        System.out.println("share of a fit step by kind (forward + backward):");
        profile.shareByKind().forEach((kind, share) -> System.out.printf("  %-34s %6.1f%%%n", kind, 100 * share));
        System.out.printf("  %-34s %6.1f%%%n", "updater (Adam, weight decay)", 100 * profile.updaterMs() / profile.fitMs());
        System.out.printf("fit step %.1f ms (forward + backward %.1f ms, updater %.1f ms) per minibatch of %d = %.0f images/s%n",
                profile.fitMs(), profile.gradientMs(), profile.updaterMs(), batch, batch * 1000 / profile.fitMs());
    }

    private static double report(int run, double images, long start) {
        double rate = images / ((System.nanoTime() - start) / 1e9);
        System.out.printf("run %d: %.0f images, %.0f images/s%n", run + 1, images, rate);
        return rate;
    }

    static DataSet randomBatch(int size) {
        ComputeBackend.configure();
        float[] labels = new float[size * 26];
        for (int i = 0; i < size; i++) {
            labels[i * 26 + (i % 26)] = 1;
        }
        return new DataSet(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, size, 1, 28, 28),
                Nd4j.create(labels, new long[]{size, 26}, 'c'));
    }
}
