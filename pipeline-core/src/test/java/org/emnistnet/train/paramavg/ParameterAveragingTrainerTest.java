package org.emnistnet.train.paramavg;

import org.junit.jupiter.api.Tag;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.SparkTestSession;
import org.emnistnet.TaskKiller;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Real dl4j-spark parameter averaging on the local test Spark: what one epoch trains on. */
@Tag("slow")
class ParameterAveragingTrainerTest {
    private static final int MINIBATCH = 8;
    @TempDir
    Path staging;

    /**
     * 23 minibatches averaged every 10 make 2 rounds of 11 and 12: DL4J's own worker stopped each round after 10
     * and silently dropped 3 minibatches (13 % of the epoch).
     */
    @ParameterizedTest(name = "staged {0}, replicas {1}")
    @CsvSource({"true, 1", "true, 2", "false, 1", "false, 2"})
    void everyMinibatchOfTheEpochIsFittedWhenRoundsHoldMoreThanTheAveragingFrequency(boolean staged, int replicas) {
        int minibatches = 23;
        int averagingFrequency = 10;
        TrainerSettings settings = new TrainerSettings(1, MINIBATCH, averagingFrequency,
                staged ? staging.toUri().toString() : null, 7, 1, replicas);
        long images = (long) minibatches * MINIBATCH;
        int rounds = settings.roundsPerEpoch(images);
        assertEquals(2, rounds);
        MultiLayerNetwork network = freshNetwork(settings, images);
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        JavaRDD<DataSet> epoch = epochOf(spark, minibatches);

        ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(spark, network, settings, rounds);
        EpochFit fit = trainer.fitEpoch(epoch, 1);

        assertEquals(images, fit.images(), "every image of the epoch was fitted");
        assertEquals(rounds * averagingFrequency, trainer.network().getIterationCount(),
                "DL4J's iteration count, the schedule's unit, advances by the averaging frequency per round");
    }

    /**
     * A worker's task lost in the middle of a round (its executor gone) is run again by Spark from the round's
     * broadcast parameters: the round averages every worker's full result, never a partial round, and the epoch
     * ends where an undisturbed epoch ends.
     */
    @ParameterizedTest(name = "staged {0}, replicas {1}")
    @CsvSource({"true, 1", "true, 2", "false, 1"})
    void aWorkerTaskKilledMidRoundIsRunAgainAndTheEpochEqualsAnUndisturbedOne(boolean staged, int replicas) {
        int minibatches = 60; // 3 rounds of 10 minibatches per worker: long enough tasks for the kill to land mid-way
        TrainerSettings settings = new TrainerSettings(2, MINIBATCH, 10, staged ? staging.toUri().toString() : null, 7, 1, replicas);
        long images = (long) minibatches * MINIBATCH;
        int rounds = settings.roundsPerEpoch(images);
        MultiLayerNetwork initial = freshNetwork(settings, images);
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        JavaRDD<DataSet> epoch = epochOf(spark, minibatches);

        ParameterAveragingTrainer undisturbed = new ParameterAveragingTrainer(spark, initial.clone(), settings, rounds);
        EpochFit expected = undisturbed.fitEpoch(epoch, 1);
        ParameterAveragingTrainer disturbed = new ParameterAveragingTrainer(spark, initial.clone(), settings, rounds);
        EpochFit fit;
        try (TaskKiller killer = TaskKiller.inStage(spark.sc(), "ParameterAveragingTrainingMaster", 2)) {
            fit = disturbed.fitEpoch(epoch, 1);
            assertEquals(1, killer.killed(), "a worker's task of round 2 was killed and ran again");
        }

        assertEquals(images, fit.images(), "the killed attempt's images are not counted, the retry's are");
        assertEquals(expected.meanLoss(), fit.meanLoss(), 1e-5);
        assertEquals(rounds * settings.averagingFrequency(), disturbed.network().getIterationCount());
        assertThat(disturbed.network().params().sub(undisturbed.network().params()).norm2Number().doubleValue())
                .as("distance of the parameters from the undisturbed epoch's").isLessThan(1e-4);
    }

    /** EMNISTNet with the reference recipe, its schedule sized for epochs of {@code images}. */
    private static MultiLayerNetwork freshNetwork(TrainerSettings settings, long images) {
        TrainingRecipe recipe = TrainingRecipe.reference();
        MultiLayerNetwork network = new MultiLayerNetwork(EmnistNet.configuration(10, recipe,
                OneCycleSchedule.of(recipe, settings.iterationsPerEpoch(images))));
        network.init();
        return network;
    }

    /** An epoch of random minibatches in 3 partitions. */
    private static JavaRDD<DataSet> epochOf(JavaSparkContext spark, int minibatches) {
        return spark.parallelize(IntStream.range(0, minibatches).boxed().toList(), 3).map(ParameterAveragingTrainerTest::randomMinibatch);
    }

    /** Pixels from {@link java.util.Random}: the same on any thread (tasks run two at a time). */
    private static DataSet randomMinibatch(int seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] pixels = new float[MINIBATCH * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        var labels = Nd4j.zeros(MINIBATCH, 10);
        for (int i = 0; i < MINIBATCH; i++) {
            labels.putScalar(i, (seed + i) % 10, 1);
        }
        return new DataSet(Nd4j.create(pixels, new long[]{MINIBATCH, 1, 28, 28}, 'c'), labels);
    }
}
