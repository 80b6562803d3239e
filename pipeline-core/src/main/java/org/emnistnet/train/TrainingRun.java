package org.emnistnet.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.data.Manifests;
import org.emnistnet.eval.TrainingCurves;
import org.emnistnet.model.ComputeBackend;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.transform.Augmentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * A training run: prepared Parquet in, {@code RUN/} out. Per epoch: augment the training split with that epoch's
 * seed, shuffle, build minibatches on the executors, fit with parameter averaging, evaluate on the validation
 * split (distributed), checkpoint, append to the history, redraw the curves, report progress. At the end the
 * best epoch by validation accuracy becomes {@code model.zip}, evaluated once on the test split, with its
 * provenance in {@code model.json}. {@code resume} continues from the last complete checkpoint.
 */
public final class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SparkSession spark;

    public TrainingRun(SparkSession spark) {
        this.spark = spark;
    }

    public record Result(Path runDirectory, int bestEpoch, double valAccuracy, double testAccuracy, String modelSha256,
                         List<EpochRecord> history) {
    }

    /** Trains on the splits of a prepared dataset (the output of the prepare stage). */
    public Result train(String prepared, Path runDirectory, TrainingOptions requested, boolean resume, Consumer<String> progress) {
        org.apache.hadoop.fs.Path preparedPath = new org.apache.hadoop.fs.Path(prepared);
        Map<String, Object> manifest = Manifests.read(preparedPath);
        Dataset<Row> all = spark.read().parquet(prepared);
        @SuppressWarnings("unchecked")
        TrainingData data = new TrainingData(prepared, (List<String>) manifest.get("class_names"), manifest,
                Manifests.sha256(preparedPath), split(all, "train"), split(all, "val"), split(all, "test"));
        return train(data, runDirectory, requested, resume, progress);
    }

    /** Trains on any rows with id, label and pixels (the Spark ML estimator comes in here). */
    public Result train(TrainingData data, Path runDirectory, TrainingOptions requested, boolean resume, Consumer<String> progress) {
        ComputeBackend.configure();
        TrainingOptions options = resume ? RunFiles.savedOptions(runDirectory).orElse(requested) : requested;
        RunFiles.checkStartable(runDirectory, resume);
        TrainingRecipe recipe = options.recipe();
        Map<String, Object> manifest = data.manifest();
        String manifestSha = data.manifestSha256();
        String prepared = data.source();
        List<String> classNames = data.classNames();
        int classes = classNames.size();

        long limit = options.trainLimit();
        Dataset<Row> train = limited(data.train(), limit, recipe.seed()).cache();
        Dataset<Row> val = limited(data.val(), limit / 4, recipe.seed()).cache();
        long trainImages = train.count();
        long valImages = val.count();
        if (trainImages == 0 || valImages == 0) {
            throw new EmnistNetException(prepared + ": needs non-empty train and val splits (has " + trainImages
                    + " and " + valImages + " rows); run prepare with --val-fraction > 0");
        }
        int workers = options.workers() > 0 ? options.workers() : spark.sparkContext().defaultParallelism();
        int batchPerWorker = options.batchPerWorker() > 0 ? options.batchPerWorker() : Math.max(1, recipe.batchSize() / workers);
        // Local mode shares the driver's disk: stage the minibatches there (DataSetFiles). On a cluster, ship them
        // through Spark (DL4J's Direct approach) unless the default filesystem is a shared one.
        JavaSparkContext sparkContext = JavaSparkContext.fromSparkContext(spark.sparkContext());
        boolean sharedDefaultFs = !spark.sparkContext().hadoopConfiguration().get("fs.defaultFS", "file:///").startsWith("file:");
        String export = spark.sparkContext().isLocal() ? runDirectory.toAbsolutePath().resolve("export").toUri().toString()
                : sharedDefaultFs ? "/tmp/emnistnet-export-" + java.util.UUID.randomUUID() : null;
        if (spark.sparkContext().isLocal()) {
            DataSetFiles.delete(sparkContext, export); // a killed run's leftovers
        }
        int averagingFrequency = options.averagingFrequency() > 0 ? options.averagingFrequency()
                : TrainingOptions.defaultAveragingFrequency(spark.sparkContext().isLocal());
        int threadsPerWorker = TrainerSettings.threadsPerWorker(spark.sparkContext(), workers);
        TrainerSettings settings = new TrainerSettings(workers, batchPerWorker, averagingFrequency, export, recipe.seed(),
                threadsPerWorker);
        int iterationsPerEpoch = settings.iterationsPerEpoch(trainImages);
        int totalSteps = recipe.epochs() * iterationsPerEpoch;
        OneCycleSchedule schedule = OneCycleSchedule.of(recipe, totalSteps);

        CheckpointStore checkpoints = new CheckpointStore(runDirectory);
        int done = resume ? checkpoints.latest().orElse(0) : 0;
        MultiLayerNetwork network = done > 0 ? checkpoints.load(done) : EmnistNet.create(classes, recipe, schedule);
        TrainingHistory history = done > 0 ? TrainingHistory.resumedAt(runDirectory, done) : TrainingHistory.fresh(runDirectory);
        RunFiles.saveOptions(runDirectory, new TrainingOptions(recipe, workers, batchPerWorker, averagingFrequency, limit));
        LOG.info("training {} on {} train / {} val images, {} workers x batch {}, averaging every {}; {} steps; {}; {}",
                manifest.get("dataset"), trainImages, valImages, workers, batchPerWorker, averagingFrequency,
                totalSteps, ComputeBackend.describe(), done > 0 ? "resuming after epoch " + done : "from scratch");

        DistributedTrainer trainer = new ParameterAveragingTrainer(sparkContext,
                network, settings, settings.roundsPerEpoch(trainImages));
        Augmentation augmentation = new Augmentation(recipe.rotationDegrees(), recipe.noiseStd(), recipe.seed());
        long runStart = System.nanoTime();
        for (int epoch = done + 1; epoch <= recipe.epochs(); epoch++) {
            long start = System.nanoTime();
            var batches = DataSetBatches.of(DataSetBatches.shuffled(augmentation.apply(train, epoch), recipe.seed(), epoch,
                    workers * 4), batchPerWorker, classes, recipe.labelSmoothing());
            EpochFit fit = trainer.fitEpoch(batches, epoch);
            double trainLoss = fit.meanLoss();
            double fitSeconds = (System.nanoTime() - start) / 1e9;
            Evaluator.Result validation = Evaluator.evaluate(spark, val, org.emnistnet.model.ModelBytes.of(trainer.network()),
                    classes, recipe.labelSmoothing());
            String checkpointSha = checkpoints.save(trainer.network(), epoch);
            int iterations = trainer.network().getIterationCount();
            int planned = epoch * iterationsPerEpoch;
            if (iterations != planned) {
                // Only when an epoch has fewer minibatches than planned rounds (a tiny training split).
                LOG.warn("epoch {}: DL4J counted {} iterations, the learning-rate schedule was sized for {}; "
                        + "the one-cycle schedule will not end where planned",
                        epoch, iterations, planned);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            history.append(new EpochRecord(epoch, trainLoss, validation.loss(), validation.accuracy(),
                    schedule.valueAt(iterations, epoch), trainImages / fitSeconds, seconds, iterations, checkpointSha,
                    fitSeconds, fit.workerFitSeconds()));
            TrainingCurves.write(history.epochs(), runDirectory.resolve("curves.png"));
            double perEpoch = (System.nanoTime() - runStart) / 1e9 / (epoch - done);
            progress.accept(String.format("epoch %d/%d  train_loss %.4f  val_loss %.4f  val_acc %.4f  lr %.2e  %.0f img/s"
                            + "  (workers computing %.0f %% of the pass)  %.0f s  ETA %s",
                    epoch, recipe.epochs(), trainLoss, validation.loss(), validation.accuracy(), schedule.valueAt(iterations, epoch),
                    trainImages / fitSeconds, 100 * fit.computeShare(workers, fitSeconds), seconds,
                    RunFiles.duration(perEpoch * (recipe.epochs() - epoch))));
        }
        train.unpersist();
        val.unpersist();
        if (export != null) {
            DataSetFiles.delete(sparkContext, export);
        }
        return finish(runDirectory, data.test(), history, checkpoints, recipe, settings, manifest, manifestSha, prepared, classes, limit, trainImages);
    }

    private Result finish(Path runDirectory, Dataset<Row> testRows, TrainingHistory history, CheckpointStore checkpoints,
                          TrainingRecipe recipe, TrainerSettings settings, Map<String, Object> manifest, String manifestSha,
                          String prepared, int classes, long limit, long trainImages) {
        EpochRecord best = history.best();
        MultiLayerNetwork bestNetwork = checkpoints.load(best.epoch());
        String modelSha = RunFiles.writeModel(bestNetwork, runDirectory.resolve("model.zip"));
        Evaluator.Result test = testRows == null ? new Evaluator.Result(Double.NaN, Double.NaN, 0)
                : Evaluator.evaluate(spark, limited(testRows, limit / 4, recipe.seed()),
                org.emnistnet.model.ModelBytes.of(bestNetwork), classes, recipe.labelSmoothing());
        Map<String, Object> provenance = RunFiles.provenance(manifest, manifestSha, prepared, recipe, settings, best,
                bestNetwork.numParams(), modelSha, test, limit, trainImages);
        RunFiles.writeJson(runDirectory.resolve("model.json"), provenance);
        LOG.info("best epoch {} (val_accuracy {}), test_accuracy {} -> {}", best.epoch(), best.valAccuracy(), test.accuracy(),
                runDirectory.resolve("model.zip"));
        return new Result(runDirectory, best.epoch(), best.valAccuracy(), test.accuracy(), modelSha, history.epochs());
    }

    static Dataset<Row> split(Dataset<Row> all, String name) {
        return all.where(col(ImageSchema.SPLIT).equalTo(name));
    }

    /** At most {@code limit} rows (0 = all), chosen by a hash of (seed, id): the same rows on every run. */
    static Dataset<Row> limited(Dataset<Row> rows, long limit, long seed) {
        return limit <= 0 ? rows : rows.orderBy(xxhash64(lit(seed), col(ImageSchema.ID)), col(ImageSchema.ID)).limit((int) Math.min(limit, Integer.MAX_VALUE));
    }

}
