package org.emnistnet.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.SparkTestSession;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Real dl4j-spark parameter averaging on the local test Spark: what one epoch trains on. */
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
        TrainingRecipe recipe = TrainingRecipe.reference();
        MultiLayerNetwork network = new MultiLayerNetwork(EmnistNet.configuration(10, recipe,
                OneCycleSchedule.of(recipe, settings.iterationsPerEpoch(images))));
        network.init();
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        JavaRDD<DataSet> epoch = spark.parallelize(IntStream.range(0, minibatches).boxed().toList(), 3)
                .map(ParameterAveragingTrainerTest::randomMinibatch);

        ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(spark, network, settings, rounds);
        EpochFit fit = trainer.fitEpoch(epoch, 1);

        assertEquals(images, fit.images(), "every image of the epoch was fitted");
        assertEquals(rounds * averagingFrequency, trainer.network().getIterationCount(),
                "DL4J's iteration count, the schedule's unit, advances by the averaging frequency per round");
    }

    private static DataSet randomMinibatch(int seed) {
        Nd4j.getRandom().setSeed(seed);
        var labels = Nd4j.zeros(MINIBATCH, 10);
        for (int i = 0; i < MINIBATCH; i++) {
            labels.putScalar(i, (seed + i) % 10, 1);
        }
        return new DataSet(Nd4j.rand(new int[]{MINIBATCH, 1, 28, 28}), labels);
    }
}
