package org.emnistnet.train;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.runtime.ComputeThreads;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.UUID;

/**
 * Synchronous data-parallel training with dl4j-spark's parameter averaging: every worker fits
 * {@code averagingFrequency} minibatches from the same parameters, then the driver averages parameters and
 * Adam's moments ({@code saveUpdater(true)}: M2's default false would reset them each round).
 * The only class in the project that touches dl4j-spark.
 */
public final class ParameterAveragingTrainer implements DistributedTrainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParameterAveragingTrainer.class);
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
        boolean staged = settings.exportDirectory() != null;
        ParameterAveragingTrainingMaster.Builder builder = new ParameterAveragingTrainingMaster.Builder(settings.workers(), settings.batchPerWorker())
                .batchSizePerWorker(settings.batchPerWorker())
                .averagingFrequency(settings.averagingFrequency())
                .saveUpdater(true)
                .workerPrefetchNumBatches(2)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never) // rounds arrive shaped: one partition per worker
                .rngSeed(settings.seed() * 1_000_003L + epoch)
                .trainingHooks(new WorkerHook(settings.seed(), settings.threadsPerWorker(), lossSum, steps, fitNanos));
        ExactRoundsTrainingMaster master = new ExactRoundsTrainingMaster(builder, roundsPerEpoch, staged);
        SparkDl4jMultiLayer sparkNetwork = new SparkDl4jMultiLayer(spark, network, master);
        // -Demnistnet.trainingStats=true on the driver: DL4J's own phase timings of every round, logged per epoch
        // (broadcast, task launch, fit, result collection, averaging). Needs DL4J's system-clock time source
        // offline: -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource
        boolean stats = Boolean.getBoolean("emnistnet.trainingStats");
        sparkNetwork.setCollectTrainingStats(stats);
        String directory = staged ? settings.exportDirectory() + "/epoch-" + epoch + "-" + UUID.randomUUID() : null;
        JavaRDD<String> paths = staged ? DataSetFiles.write(spark, batches, directory) : null;
        try {
            network = staged ? sparkNetwork.fitPaths(paths, new StagedDataSets.Loader()) : sparkNetwork.fit(batches);
        } finally {
            master.release();
            if (staged) {
                paths.unpersist(false);
                DataSetFiles.delete(spark, directory);
            }
        }
        if (stats) {
            LOG.info("epoch {}: DL4J's training phases:\n{}", epoch, sparkNetwork.getSparkTrainingStats().statsAsString());
        }
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
     * size, each handed to DL4J as exactly one partition per worker (so DL4J never repartitions: with
     * {@link Repartition#Always} it ran a count job, an index job and a shuffle before every round).
     * DL4J's own split assigns minibatches to rounds at random, so round sizes vary: with small rounds (averaging
     * every minibatch: 2 minibatches per round) about one round in ten got no data at all and was skipped, so an
     * epoch made fewer optimizer steps than planned (191 instead of 211) and the one-cycle schedule never reached
     * its end. Here round {@code r} gets the minibatches {@code [r * n / rounds, (r + 1) * n / rounds)} of the
     * epoch, already shuffled by the caller, so every round has {@code n / rounds} or one more and DL4J counts
     * exactly {@code rounds * averagingFrequency} iterations per epoch.
     */
    static final class ExactRoundsTrainingMaster extends ParameterAveragingTrainingMaster {
        private final int rounds;
        private final boolean smallObjects;
        private final java.util.List<JavaPairRDD<?, ?>> epochPartitions = new java.util.ArrayList<>();

        /**
         * @param smallObjects the RDD DL4J splits holds small objects (the paths of staged minibatches), which
         *                     can be cut on the driver; otherwise it holds the minibatches themselves
         */
        ExactRoundsTrainingMaster(Builder builder, int rounds, boolean smallObjects) {
            super(builder);
            this.rounds = rounds;
            this.smallObjects = smallObjects;
        }

        @Override
        protected <T> JavaRDD<T>[] getSplitRDDs(JavaRDD<T> data, int totalDataSetObjects, int examplesPerDataSetObject) {
            int splits = Math.max(1, Math.min(rounds, totalDataSetObjects));
            return smallObjects ? shapedRounds(data, splits) : partitionedRounds(data, splits, totalDataSetObjects);
        }

        /**
         * Every round as its own small RDD of {@code workers} partitions, cut from the epoch's paths collected on
         * the driver (a few hundred strings): no Spark job at all before a round.
         */
        @SuppressWarnings("unchecked")
        private <T> JavaRDD<T>[] shapedRounds(JavaRDD<T> data, int splits) {
            java.util.List<T> objects = data.collect();
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
            JavaRDD<T>[] result = new JavaRDD[splits];
            for (int round = 0; round < splits; round++) {
                java.util.List<T> slice = new java.util.ArrayList<>(objects.subList(
                        roundStart(round, splits, objects.size()), roundStart(round + 1, splits, objects.size())));
                result[round] = sc.parallelize(slice, Math.min(getNumWorkers(), slice.size()));
            }
            return result;
        }

        /**
         * Minibatches that live on the executors (no shared filesystem to stage them on): one shuffle per epoch
         * puts minibatch {@code i} into partition {@code round * workers + slot}, and every round is a view of its
         * {@code workers} partitions ({@link PartitionPruningRDD}), kept until the epoch ends. DL4J's own
         * {@link Repartition#Always} shuffled before every round instead.
         */
        @SuppressWarnings("unchecked")
        private <T> JavaRDD<T>[] partitionedRounds(JavaRDD<T> data, int splits, int totalDataSetObjects) {
            int workers = getNumWorkers();
            JavaPairRDD<Integer, T> byRound = data.zipWithIndex()
                    .mapToPair(object -> new scala.Tuple2<>(partitionOf(object._2(), splits, totalDataSetObjects, workers), object._1()))
                    .partitionBy(new ExactPartitioner(splits * workers))
                    .persist(StorageLevel.MEMORY_AND_DISK_SER());
            epochPartitions.add(byRound);
            JavaRDD<T> values = byRound.values();
            JavaRDD<T>[] result = new JavaRDD[splits];
            for (int round = 0; round < splits; round++) {
                result[round] = JavaRDD.fromRDD(PartitionPruningRDD.create(values.rdd(), new PartitionsOfRound(round, workers)),
                        values.classTag());
            }
            return result;
        }

        /** Drops the epoch's partitioned minibatches once DL4J has trained on them. */
        void release() {
            epochPartitions.forEach(rdd -> rdd.unpersist(false));
            epochPartitions.clear();
        }
    }

    /** The partition of the object at {@code index}: its round's block of {@code workers} partitions, dealt round-robin. */
    static int partitionOf(long index, int rounds, long objects, int workers) {
        int round = roundOf(index, rounds, objects);
        return round * workers + (int) ((index - roundStart(round, rounds, (int) objects)) % workers);
    }

    /** Partition {@code i} holds the objects keyed {@code i}. */
    static final class ExactPartitioner extends org.apache.spark.Partitioner {
        private final int partitions;

        ExactPartitioner(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }

    /** Selects the {@code workers} partitions of one round. */
    static final class PartitionsOfRound extends scala.runtime.AbstractFunction1<Object, Object> implements java.io.Serializable {
        private final int round;
        private final int workers;

        PartitionsOfRound(int round, int workers) {
            this.round = round;
            this.workers = workers;
        }

        @Override
        public Object apply(Object partition) {
            return (Integer) partition / workers == round;
        }
    }

    /** The round of the object at {@code index} of an epoch: rounds are contiguous and their sizes differ by ≤ 1. */
    static int roundOf(long index, int rounds, long objects) {
        return (int) ((index * rounds) / objects);
    }

    /** The index of the first object of {@code round}: the smallest index whose {@link #roundOf} is {@code round}. */
    static int roundStart(int round, int rounds, int objects) {
        return (int) (((long) round * objects + rounds - 1) / rounds);
    }

    /**
     * Runs on the workers around every minibatch: seeds ND4J's random stream (dropout masks) from the run's seed,
     * the iteration and the minibatch itself, so that training is repeatable; limits the worker's thread to its
     * share of the cores; and adds each minibatch's loss and fit time (DL4J calls the hook right before and after
     * {@code fit(minibatch)}) to accumulators the driver reads after the epoch.
     */
    static final class WorkerHook implements TrainingHook {
        private final long seed;
        private final int threadsPerWorker;
        private final DoubleAccumulator lossSum;
        private final LongAccumulator steps;
        private final LongAccumulator fitNanos;
        private transient ThreadLocal<Long> fitStart;

        WorkerHook(long seed, int threadsPerWorker, DoubleAccumulator lossSum, LongAccumulator steps, LongAccumulator fitNanos) {
            this.seed = seed;
            this.threadsPerWorker = threadsPerWorker;
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
            org.emnistnet.runtime.GpuPinning.pinToAssignedGpu();
            long iteration = model instanceof MultiLayerNetwork net ? net.getIterationCount() : 0;
            double fingerprint = minibatch.getFeatures().getDouble(minibatch.getFeatures().length() / 2)
                    + 31 * minibatch.getLabels().argMax(1).sumNumber().doubleValue();
            Nd4j.getRandom().setSeed(seed * 6_364_136_223_846_793_005L + iteration * 1_442_695_040_888_963_407L
                    + Double.doubleToLongBits(fingerprint));
            if (threadsPerWorker > 0) {
                ComputeThreads.limitCurrentThread(threadsPerWorker);
            }
            fitStart().set(System.nanoTime());
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            Long start = fitStart().get();
            if (start != null) {
                fitNanos.add(System.nanoTime() - start);
            }
            ComputeThreads.releaseCurrentThread(); // the task thread goes back to Spark's pool
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
