package org.emnistnet.train.paramavg;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

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
 * <p>
 * Its workers fit every minibatch of their round ({@link #getWorkerInstance}): DL4J's own stop after
 * {@code averagingFrequency} minibatches and drop the rest of the partition unread, without a word.
 */
final class ExactRoundsTrainingMaster extends ParameterAveragingTrainingMaster {
    /** DL4J's value for "no cap" on a worker's minibatches per round. */
    private static final int NO_MINIBATCH_CAP = 0;
    private final int rounds;
    private final boolean smallObjects;
    private final int replicasPerWorker;
    private final long seed;
    private final java.util.List<JavaPairRDD<?, ?>> epochPartitions = new java.util.ArrayList<>();
    /** Told the driver's parameters after every round (Polyak averaging), or null. */
    private transient java.util.function.Consumer<org.nd4j.linalg.api.ndarray.INDArray> afterRound;

    /**
     * @param smallObjects the RDD DL4J splits holds small objects (the paths of staged minibatches), which
     *                     can be cut on the driver; otherwise it holds the minibatches themselves
     * @param replicasPerWorker each worker splits its minibatches over this many single-core replicas ({@link ReplicaFit})
     * @param seed              the run's seed (the replicas' dropout)
     */
    ExactRoundsTrainingMaster(Builder builder, int rounds, boolean smallObjects, int replicasPerWorker, long seed) {
        super(builder);
        this.rounds = rounds;
        this.smallObjects = smallObjects;
        this.replicasPerWorker = replicasPerWorker;
        this.seed = seed;
    }

    /**
     * DL4J's worker, built as DL4J builds it except for one setting, or with more than one replica per worker the same
     * worker fitting through {@link ReplicaFit}. The setting: DL4J caps a worker at {@code averagingFrequency}
     * minibatches per round ({@link WorkerConfiguration}'s {@code maxBatchesPerWorker}) and silently drops the rest
     * of its partition; but a round here holds {@code n / rounds} minibatches or one more, so the cap dropped up to
     * {@code workers * averagingFrequency - 1} minibatches an epoch: 240 of the 54,000 images of the full split
     * (0.4 %), 2,080 of 20,000 with {@code --limit 20000} (10 %), never trained on. Here a worker fits every
     * minibatch its round gives it (0 = no cap); {@code EpochLoop} fails an epoch that fitted fewer images. A round's extra step
     * runs at the iteration count the next round starts from, since DL4J advances the count by
     * {@code averagingFrequency} per round; the one-cycle schedule, sized in those counts, still ends where planned.
     */
    @Override
    public org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker getWorkerInstance(
            org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer network) {
        MultiLayerNetwork net = network.getNetwork();
        NetBroadcastTuple tuple = new NetBroadcastTuple(net.getLayerWiseConfigurations(), net.params(),
                net.getUpdater().getStateViewArray());
        if (collectTrainingStats) {
            stats.logBroadcastStart();
        }
        Broadcast<NetBroadcastTuple> broadcast = network.getSparkContext().broadcast(tuple);
        if (collectTrainingStats) {
            stats.logBroadcastEnd();
        }
        WorkerConfiguration everyMinibatch = new WorkerConfiguration(false, rddDataSetNumExamples, batchSizePerWorker,
                NO_MINIBATCH_CAP, prefetchNumBatches, collectTrainingStats);
        var dl4j = new org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker(broadcast, saveUpdater,
                everyMinibatch, trainingHookList, listeners, getRouterProvider());
        return replicasPerWorker > 1 ? new ReplicaTrainingWorker(dl4j, trainingHookList, replicasPerWorker, seed) : dl4j;
    }

    ExactRoundsTrainingMaster afterEveryRound(java.util.function.Consumer<org.nd4j.linalg.api.ndarray.INDArray> listener) {
        this.afterRound = listener;
        return this;
    }

    /** DL4J's averaging of a round's results into the driver's network, then the round listener. */
    @Override
    protected void processResults(org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer network,
                                  org.deeplearning4j.spark.impl.graph.SparkComputationGraph graph,
                                  JavaRDD<org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult> results,
                                  int splitNum, int totalSplits) {
        super.processResults(network, graph, results, splitNum, totalSplits);
        if (afterRound != null && network != null) {
            afterRound.accept(network.getNetwork().params());
        }
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
}
