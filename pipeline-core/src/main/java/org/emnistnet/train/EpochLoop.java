package org.emnistnet.train;

import org.emnistnet.eval.Evaluator;

import org.emnistnet.train.paramavg.WeightAverage;
import org.emnistnet.train.paramavg.TrainerSettings;
import org.emnistnet.train.paramavg.EpochFit;
import org.emnistnet.train.paramavg.DistributedTrainer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.TrainingHistory;
import org.emnistnet.eval.TrainingCurves;
import org.emnistnet.model.ModelBytes;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.transform.Augmentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The epochs of a run. Per epoch: augment the training split with that epoch's seed, shuffle, build minibatches
 * on the executors, fit with parameter averaging, evaluate on the validation split (distributed), checkpoint,
 * append to the history, redraw the curves, report progress.
 */
final class EpochLoop {
    private static final Logger LOG = LoggerFactory.getLogger(EpochLoop.class);

    private final SparkSession spark;
    private final DistributedTrainer trainer;
    private final TrainingPlan plan;
    private final TrainingRecipe recipe;
    private final OneCycleSchedule schedule;
    private final CheckpointStore checkpoints;
    private final TrainingHistory history;
    private final RunDirectory run;
    private final Consumer<String> progress;

    EpochLoop(SparkSession spark, DistributedTrainer trainer, TrainingPlan plan, TrainingRecipe recipe, OneCycleSchedule schedule,
              CheckpointStore checkpoints, TrainingHistory history, RunDirectory run, Consumer<String> progress) {
        this.spark = spark;
        this.trainer = trainer;
        this.plan = plan;
        this.recipe = recipe;
        this.schedule = schedule;
        this.checkpoints = checkpoints;
        this.history = history;
        this.run = run;
        this.progress = progress;
    }

    /**
     * Runs the epochs after {@code done} up to the recipe's last.
     *
     * @param average the moving average of the weights to keep and evaluate every epoch, or null
     */
    void run(Dataset<Row> train, Dataset<Row> val, int classes, int done, WeightAverage average) {
        if (average != null) {
            trainer.averageWeights(average);
        }
        int epochs = plan.epochs();
        TrainerSettings settings = plan.settings();
        Augmentation augmentation = new Augmentation(recipe.rotationDegrees(), recipe.noiseStd(), recipe.seed());
        long runStart = System.nanoTime();
        for (int epoch = done + 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            var batches = DataSetBatches.of(DataSetBatches.shuffled(augmentation.apply(train, epoch), settings.seed(), epoch,
                    settings.workers() * 4), settings.batchPerWorker(), classes, recipe.labelSmoothing());
            EpochFit fit = trainer.fitEpoch(batches, epoch);
            // Before anything is written: no checkpoint of a short epoch. "Fewer", not "different": a task Spark
            // retries (a lost executor) fits its round again and counts its images twice.
            if (fit.images() < plan.trainImages()) {
                throw new EmnistNetException("epoch " + epoch + ": the workers fitted " + fit.images() + " images, the "
                        + "training split has " + plan.trainImages() + "; every image must be fitted once an epoch");
            }
            double fitSeconds = (System.nanoTime() - start) / 1e9;
            Evaluator.Result validation = Evaluator.evaluate(spark, val, ModelBytes.of(trainer.network()), classes, recipe.labelSmoothing());
            Evaluator.Result averagedValidation = null;
            if (average != null) { // before the checkpoint, which marks the epoch complete
                MultiLayerNetwork averaged = average.applyTo(trainer.network());
                averagedValidation = Evaluator.evaluate(spark, val, ModelBytes.of(averaged), classes, recipe.labelSmoothing());
                checkpoints.saveAveraged(averaged, epoch);
            }
            String checkpointSha = checkpoints.save(trainer.network(), epoch);
            int iterations = trainer.network().getIterationCount();
            if (iterations != epoch * plan.iterationsPerEpoch()) {
                // Only when an epoch has fewer minibatches than planned rounds (a tiny training split).
                LOG.warn("epoch {}: DL4J counted {} iterations, the learning-rate schedule was sized for {}; "
                        + "the one-cycle schedule will not end where planned", epoch, iterations, epoch * plan.iterationsPerEpoch());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double learningRate = schedule.valueAt(iterations, epoch);
            double imagesPerS = plan.trainImages() / fitSeconds;
            history.append(new EpochRecord(epoch, fit.meanLoss(), validation.loss(), validation.accuracy(), learningRate,
                    imagesPerS, seconds, iterations, checkpointSha, fitSeconds, fit.workerFitSeconds(), plan.roundsPerEpoch(),
                    averagedValidation == null ? null : averagedValidation.loss(),
                    averagedValidation == null ? null : averagedValidation.accuracy()));
            TrainingCurves.write(history.epochs(), run.file(RunDirectory.CURVES));
            double perEpoch = (System.nanoTime() - runStart) / 1e9 / (epoch - done);
            double outsidePerRound = (fitSeconds - fit.workerFitSeconds() / settings.workers()) / plan.roundsPerEpoch();
            progress.accept(String.format("epoch %d/%d  train_loss %.4f  val_loss %.4f  val_acc %.4f%s  lr %.2e  %.0f img/s"
                            + "  (workers computing %.0f %% of the pass; %.0f ms a round outside fit)  %.0f s  ETA %s",
                    epoch, epochs, fit.meanLoss(), validation.loss(), validation.accuracy(),
                    averagedValidation == null ? "" : String.format("  ema_val_acc %.4f", averagedValidation.accuracy()),
                    learningRate, imagesPerS,
                    100 * fit.computeShare(settings.workers(), fitSeconds), 1000 * outsidePerRound, seconds,
                    duration(perEpoch * (epochs - epoch))));
        }
    }

    static String duration(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
