package org.emnistnet.train;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.emnistnet.model.ComputeBackend;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Synchronous data-parallel training with dl4j-spark's parameter averaging: every worker fits
 * {@code averagingFrequency} minibatches from the same parameters, then the driver averages parameters and
 * Adam's moments ({@code saveUpdater(true)}: M2's default false would reset them each round).
 * The only class in the project that touches dl4j-spark.
 */
public final class ParameterAveragingTrainer implements DistributedTrainer {
    private final JavaSparkContext spark;
    private final TrainerSettings settings;
    private final int roundsPerEpoch;
    private MultiLayerNetwork network;

    /** @param roundsPerEpoch averaging rounds in every epoch, the unit the learning-rate schedule was sized in */
    public ParameterAveragingTrainer(JavaSparkContext spark, MultiLayerNetwork network, TrainerSettings settings, int roundsPerEpoch) {
        this.spark = spark;
        this.network = network;
        this.settings = settings;
        this.roundsPerEpoch = roundsPerEpoch;
    }

    @Override
    public EpochFit fitEpoch(JavaRDD<DataSet> batches, int epoch) {
        DoubleAccumulator lossSum = spark.sc().doubleAccumulator("train.loss");
        LongAccumulator steps = spark.sc().longAccumulator("train.steps");
        LongAccumulator fitNanos = spark.sc().longAccumulator("train.fit.nanos");
        // A new master per epoch, seeded by epoch: how DL4J splits the data then depends on (seed, epoch) only,
        // so a resumed run repeats the epochs an uninterrupted run would have done.
        ParameterAveragingTrainingMaster.Builder builder = new ParameterAveragingTrainingMaster.Builder(settings.workers(), settings.batchPerWorker())
                .batchSizePerWorker(settings.batchPerWorker())
                .averagingFrequency(settings.averagingFrequency())
                .saveUpdater(true)
                .workerPrefetchNumBatches(2)
                .rddTrainingApproach(settings.exportDirectory() != null ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                .exportDirectory(settings.exportDirectory())
                .rngSeed(settings.seed() * 1_000_003L + epoch)
                .trainingHooks(new WorkerHook(settings.seed(), lossSum, steps, fitNanos));
        ExactRoundsTrainingMaster master = new ExactRoundsTrainingMaster(builder, roundsPerEpoch);
        SparkDl4jMultiLayer sparkNetwork = new SparkDl4jMultiLayer(spark, network, master);
        sparkNetwork.setCollectTrainingStats(false);
        network = sparkNetwork.fit(batches);
        master.deleteTempFiles(spark);
        master.release();
        network.incrementEpochCount();
        return new EpochFit(steps.value() == 0 ? Double.NaN : lossSum.value() / steps.value(), fitNanos.value() / 1e9);
    }

    @Override
    public MultiLayerNetwork network() {
        return network;
    }

    @Override
    public int workers() {
        return settings.workers();
    }

    /**
     * DL4J's parameter averaging with the epoch cut into exactly {@code rounds} averaging rounds of (nearly) equal
     * size. DL4J's own split assigns minibatches to rounds at random, so round sizes vary: with small rounds
     * (averaging every minibatch: 2 minibatches per round) about one round in ten got no data at all and was
     * skipped, so an epoch made fewer optimizer steps than planned (191 instead of 211) and the one-cycle schedule
     * never reached its end. Here round {@code r} gets the minibatches {@code [r * n / rounds, (r + 1) * n / rounds)}
     * of the epoch, already shuffled by the caller, so every round has {@code n / rounds} or one more and DL4J
     * counts exactly {@code rounds * averagingFrequency} iterations per epoch.
     */
    static final class ExactRoundsTrainingMaster extends ParameterAveragingTrainingMaster {
        private final int rounds;
        private final java.util.List<JavaPairRDD<?, Long>> indexedEpochs = new java.util.ArrayList<>();

        ExactRoundsTrainingMaster(Builder builder, int rounds) {
            super(builder);
            this.rounds = rounds;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected <T> JavaRDD<T>[] getSplitRDDs(JavaRDD<T> data, int totalDataSetObjects, int examplesPerDataSetObject) {
            int splits = Math.max(1, Math.min(rounds, totalDataSetObjects));
            JavaPairRDD<T, Long> indexed = data.zipWithIndex().persist(StorageLevel.MEMORY_ONLY());
            indexedEpochs.add(indexed);
            JavaRDD<T>[] result = new JavaRDD[splits];
            for (int round = 0; round < splits; round++) {
                int thisRound = round;
                result[round] = indexed.filter(object -> roundOf(object._2(), splits, totalDataSetObjects) == thisRound).keys();
            }
            return result;
        }

        /** Drops the cached, indexed epoch once DL4J has trained on it. */
        void release() {
            indexedEpochs.forEach(JavaPairRDD::unpersist);
            indexedEpochs.clear();
        }
    }

    /** The round of the object at {@code index} of an epoch: rounds are contiguous and their sizes differ by ≤ 1. */
    static int roundOf(long index, int rounds, long objects) {
        return (int) ((index * rounds) / objects);
    }

    /**
     * Runs on the workers around every minibatch: seeds ND4J's random stream (dropout masks) from the run's seed,
     * the iteration and the minibatch itself, so that training is repeatable; and adds each minibatch's loss and
     * fit time (DL4J calls the hook right before and after {@code fit(minibatch)}) to accumulators the driver reads
     * after the epoch.
     */
    static final class WorkerHook implements TrainingHook {
        private final long seed;
        private final DoubleAccumulator lossSum;
        private final LongAccumulator steps;
        private final LongAccumulator fitNanos;
        private transient ThreadLocal<Long> fitStart;

        WorkerHook(long seed, DoubleAccumulator lossSum, LongAccumulator steps, LongAccumulator fitNanos) {
            this.seed = seed;
            this.lossSum = lossSum;
            this.steps = steps;
            this.fitNanos = fitNanos;
        }

        private ThreadLocal<Long> fitStart() {
            if (fitStart == null) {
                fitStart = new ThreadLocal<>();
            }
            return fitStart;
        }

        @Override
        public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            ComputeBackend.configure();
            org.emnistnet.model.GpuPinning.pinToAssignedGpu();
            long iteration = model instanceof MultiLayerNetwork net ? net.getIterationCount() : 0;
            double fingerprint = minibatch.getFeatures().getDouble(minibatch.getFeatures().length() / 2)
                    + 31 * minibatch.getLabels().argMax(1).sumNumber().doubleValue();
            Nd4j.getRandom().setSeed(seed * 6_364_136_223_846_793_005L + iteration * 1_442_695_040_888_963_407L
                    + Double.doubleToLongBits(fingerprint));
            fitStart().set(System.nanoTime());
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            Long start = fitStart().get();
            if (start != null) {
                fitNanos.add(System.nanoTime() - start);
            }
            lossSum.add(model.score());
            steps.add(1);
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
        }
    }
}
