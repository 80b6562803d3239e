package org.emnistnet.jobs;

import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.score.BatchScorer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An option left out takes the value of the one place that defines it, and help shows that value. */
class ReferenceDefaultsTest {
    private static final TrainingRecipe REFERENCE = TrainingRecipe.reference();

    @Test
    void trainTakesTheReferenceRecipe() {
        TrainJob train = new TrainJob();
        new CommandLine(train).parseArgs("--in", "p", "--run", "r");
        assertEquals(REFERENCE.epochs(), train.epochs);
        assertEquals(REFERENCE.batchSize(), train.batch);
        assertEquals(REFERENCE.maxLearningRate(), train.maxLearningRate);
        assertEquals(REFERENCE.seed(), train.seed);
        assertThat(new CommandLine(new TrainJob()).getUsageMessage()).contains("Default: " + REFERENCE.maxLearningRate());
    }

    @Test
    void pipelinePrepareAndScoreTakeThePipelinesSettings() {
        PipelineJob pipeline = new PipelineJob();
        new CommandLine(pipeline).parseArgs();
        assertEquals(REFERENCE.epochs(), pipeline.epochs);
        assertEquals(REFERENCE.batchSize(), pipeline.batch);

        PrepareJob prepare = new PrepareJob();
        new CommandLine(prepare).parseArgs("--in", "r", "--out", "p");
        assertEquals(org.emnistnet.Defaults.VAL_FRACTION, prepare.valFraction);
        assertEquals(org.emnistnet.Defaults.SPLIT_SEED, prepare.seed);

        ScoreJob score = new ScoreJob();
        new CommandLine(score).parseArgs("--model", "m", "--in", "i", "--out", "o");
        assertEquals(org.emnistnet.Defaults.TOP_K, score.topK);
        assertEquals(org.emnistnet.Defaults.INFERENCE_BATCH, score.batch);
        assertEquals(BatchScorer.DEFAULT_MAX_FILE_BYTES, score.maxFileBytes);
    }

    @Test
    void anOptionGivenOverridesItsDefault() {
        TrainJob train = new TrainJob();
        new CommandLine(train).parseArgs("--in", "p", "--run", "r", "--epochs", "2", "--seed", "7");
        assertEquals(2, train.epochs);
        assertEquals(7, train.seed);
    }
}
