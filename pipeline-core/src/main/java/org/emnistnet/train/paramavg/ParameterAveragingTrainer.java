package org.emnistnet.train.paramavg;

import org.emnistnet.train.paramavg.DistributedTrainer;
import org.emnistnet.train.paramavg.EpochFit;
import org.emnistnet.train.paramavg.TrainerSettings;
import org.emnistnet.train.paramavg.WeightAverage;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

import java.util.UUID;

/**
 * Synchronous data-parallel training with dl4j-spark's parameter averaging: every worker fits
 * {@code averagingFrequency} minibatches from the same parameters, then the driver averages parameters and
 * Adam's moments ({@code saveUpdater(true)}: M2's default false would reset them each round).
 * dl4j-spark is touched only in this package (an ArchUnit rule): here, {@link ExactRoundsTrainingMaster} (exact
 * averaging rounds), {@link ReplicaTrainingWorker} (a worker's minibatch over single-core replicas) and
 * {@link WorkerHook} (what runs on the workers around each minibatch); the rest of training sees this class alone.
 */
public final class ParameterAveragingTrainer implements DistributedTrainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParameterAveragingTrainer.class);
    private final JavaSparkContext spark;
    private final TrainerSettings settings;
    private final int roundsPerEpoch;
    private MultiLayerNetwork network;
    private WeightAverage average; // null unless the recipe asks for Polyak averaging

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
        LongAccumulator images = spark.sc().longAccumulator("train.images");
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
                .trainingHooks(new WorkerHook(settings.seed(), settings.threadsPerWorker(), lossSum, steps, images, fitNanos));
        ExactRoundsTrainingMaster master = new ExactRoundsTrainingMaster(builder, roundsPerEpoch, staged,
                settings.replicasPerWorker(), settings.seed());
        if (average != null) {
            master.afterEveryRound(average::update);
        }
        SparkDl4jMultiLayer sparkNetwork = new SparkDl4jMultiLayer(spark, network, master);
        // -Demnistnet.trainingStats=true on the driver: DL4J's own phase timings of every round, logged per epoch
        // (broadcast, task launch, fit, result collection, averaging). Offline, the driver and every executor need
        // DL4J's system-clock time source (its default asks an NTP server, and an executor that cannot fails the
        // task): -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource.
        // bench/cluster-scaling.sh's STATS=1 sets all three.
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
        return new EpochFit(steps.value() == 0 ? Double.NaN : lossSum.value() / steps.value(), fitNanos.value() / 1e9,
                images.value());
    }

    /** Removes a run's staged minibatches (a killed run's leftovers, or this run's at its end); a missing folder is fine. */
    public static void deleteStaging(JavaSparkContext spark, String directory) {
        DataSetFiles.delete(spark, directory);
    }

    /** Keeps a moving average of the weights over every round from now on (see {@link WeightAverage}). */
    @Override
    public void averageWeights(WeightAverage average) {
        this.average = average;
    }

    @Override
    public MultiLayerNetwork network() {
        return network;
    }

    @Override
    public int workers() {
        return settings.workers();
    }
}
