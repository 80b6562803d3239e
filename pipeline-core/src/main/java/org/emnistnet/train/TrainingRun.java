package org.emnistnet.train;

import org.emnistnet.eval.Evaluator;

import org.emnistnet.train.paramavg.WeightAverage;
import org.emnistnet.train.paramavg.TrainerSettings;
import org.emnistnet.train.paramavg.DistributedTrainer;
import org.emnistnet.train.paramavg.ParameterAveragingTrainer;
import org.emnistnet.data.Split;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.ApplicationAttempt;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.RunLock;
import org.emnistnet.artifact.TrainingHistory;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.data.LabelRange;
import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.model.layers.LinearConvolution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
 *
 * <p>A driver that a cluster manager runs again (YARN's attempt 2 of an application whose ApplicationMaster was
 * lost, in cluster deploy mode) continues the run its earlier attempt started, from the last checkpoint, as
 * {@code resume} would: the earlier attempt's lock in the run directory names the application and attempt.
 */
public final class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final SparkSession spark;

    public TrainingRun(SparkSession spark) {
        this.spark = spark;
    }

    public record Result(RunDirectory runDirectory, int bestEpoch, double valAccuracy, double testAccuracy, String modelSha256,
                         List<EpochRecord> history) {
    }

    /** Trains on the splits of a prepared dataset (the output of the prepare stage). */
    public Result train(String prepared, RunDirectory run, TrainingOptions requested, boolean resume, Consumer<String> progress) {
        return train(prepared, run, requested, resume, null, progress);
    }

    /** @param staging a directory every executor can read, for the epochs' minibatches, or null to choose one */
    public Result train(String prepared, RunDirectory run, TrainingOptions requested, boolean resume, String staging,
                        Consumer<String> progress) {
        return train(org.emnistnet.data.PreparedDataset.at(prepared), run, requested, resume, staging, progress);
    }

    /** {@link #train(String, RunDirectory, TrainingOptions, boolean, String, Consumer)} of a prepared dataset already opened. */
    public Result train(org.emnistnet.data.PreparedDataset prepared, RunDirectory run, TrainingOptions requested, boolean resume,
                        String staging, Consumer<String> progress) {
        Dataset<Row> all = prepared.rows(spark);
        TrainingData data = new TrainingData(prepared.toString(), prepared.classes(), prepared.manifest(),
                prepared.manifestSha256(), Split.TRAIN.of(all), Split.VAL.of(all), Split.TEST.of(all));
        return train(data, run, requested, resume, staging, progress);
    }

    /** Trains on any rows with id, label and pixels (the Spark ML estimator comes in here). */
    public Result train(TrainingData data, RunDirectory run, TrainingOptions requested, boolean resume, String staging,
                        Consumer<String> progress) {
        ComputeBackend.configure();
        FixedExecutors.require(spark.sparkContext().getConf());
        ApplicationAttempt attempt = ApplicationAttempt.of(spark.sparkContext().applicationId(),
                Optional.ofNullable(spark.sparkContext().applicationAttemptId().getOrElse(() -> null))).orElse(null);
        boolean continuing = !resume && RunLock.leftByEarlierAttempt(run, attempt);
        if (continuing) {
            LOG.warn("{}: {} continues the run its earlier attempt started, from its last checkpoint", run, attempt);
            progress.accept(attempt + ": continuing the run an earlier attempt started");
        }
        RunFiles.checkStartable(run, resume || continuing);
        try (RunLock lock = RunLock.acquire(run, attempt)) {
            return trainLocked(data, run, requested, resume || continuing, staging, progress);
        }
    }

    private Result trainLocked(TrainingData data, RunDirectory run, TrainingOptions requested, boolean resume, String staging,
                               Consumer<String> progress) {
        TrainingOptions options = resume ? RunFiles.savedOptions(run).orElse(requested) : requested;
        TrainingRecipe recipe = options.recipe();
        int classes = data.classNames().size();

        long limit = options.trainLimit();
        Dataset<Row> train = limited(data.train(), limit, recipe.seed()).cache();
        Dataset<Row> val = limited(data.val(), limit / 4, recipe.seed()).cache();
        long trainImages = train.count();
        long valImages = val.count();
        LabelRange.require(data.source(), train, classes);
        LabelRange.require(data.source(), val, classes);
        if (data.test() != null) { // evaluated only at the end: hours later
            LabelRange.require(data.source(), limited(data.test(), limit / 4, recipe.seed()), classes);
        }
        if (trainImages == 0 || valImages == 0) {
            throw new EmnistNetException(data.source() + ": needs non-empty train and val splits (has " + trainImages
                    + " and " + valImages + " rows); run prepare with " + org.emnistnet.Parameter.VAL_FRACTION + " > 0");
        }
        TrainingPlan plan = TrainingPlan.of(options, trainImages, environment(run, staging), UUID.randomUUID().toString());
        TrainerSettings settings = plan.settings();
        OneCycleSchedule schedule = OneCycleSchedule.of(recipe, plan.totalSteps());
        JavaSparkContext sparkContext = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (plan.staging() != null) {
            ParameterAveragingTrainer.deleteStaging(sparkContext, plan.staging()); // a killed run's leftovers
        }

        CheckpointStore checkpoints = new CheckpointStore(run);
        // A driver killed between an epoch's checkpoint and its history line leaves one checkpoint more than the
        // history: resume after the last epoch that both recorded (that epoch is trained again).
        int done = resume ? Math.min(checkpoints.latest().orElse(0),
                TrainingHistory.read(run.file(RunDirectory.HISTORY)).size()) : 0;
        MultiLayerNetwork network = done > 0 ? checkpoints.loadToResume(done) : EmnistNet.create(classes, recipe, schedule);
        TrainingHistory history = done > 0 ? TrainingHistory.resumedAt(run, done) : TrainingHistory.fresh(run);
        RunFiles.saveOptions(run, new TrainingOptions(recipe, settings.workers(), settings.batchPerWorker(),
                settings.averagingFrequency(), limit));
        LOG.info("training {} on {} train / {} val images, {} workers x batch {} over {} replicas, averaging every {}; "
                        + "{} averaging rounds an epoch (a round's worker fits every minibatch it is given); "
                        + "learning-rate schedule over {} iterations (DL4J counts {} per round); {}, {}; {}",
                data.manifest().dataset(), trainImages, valImages, settings.workers(), settings.batchPerWorker(), settings.replicasPerWorker(),
                settings.averagingFrequency(), plan.roundsPerEpoch(), plan.totalSteps(), settings.averagingFrequency(),
                ComputeBackend.describe(), LinearConvolution.forwardKernels(),
                done > 0 ? "resuming after epoch " + done : "from scratch");
        LOG.info("{}", plan.stagingReason());

        DistributedTrainer trainer = new ParameterAveragingTrainer(sparkContext, network, settings, plan.roundsPerEpoch());
        EpochLoop loop = new EpochLoop(spark, trainer, plan, recipe, schedule, checkpoints, history, run, progress);
        try {
            loop.run(train, val, classes, done, weightAverage(recipe, network, checkpoints, done, plan));
        } finally {
            train.unpersist();
            val.unpersist();
            if (plan.staging() != null) {
                ParameterAveragingTrainer.deleteStaging(sparkContext, plan.staging());
            }
        }
        return finish(run, data, history, checkpoints, recipe, settings, limit, trainImages);
    }

    /** Polyak averaging when the recipe asks for it: from the start, or from the averaged checkpoint resumed after. */
    private static WeightAverage weightAverage(TrainingRecipe recipe, MultiLayerNetwork network, CheckpointStore checkpoints,
                                               int done, TrainingPlan plan) {
        if (recipe.emaDecay() == 0) {
            return null;
        }
        MultiLayerNetwork start = done > 0 ? checkpoints.loadAveraged(done) : network;
        return new WeightAverage(recipe.emaDecay(), start.params(), (long) done * plan.roundsPerEpoch());
    }

    private TrainingPlan.Environment environment(RunDirectory run, String staging) {
        var sc = spark.sparkContext();
        boolean defaultFsShared = !sc.hadoopConfiguration().get("fs.defaultFS", "file:///").startsWith("file:");
        return new TrainingPlan.Environment(sc.isLocal(), sc.defaultParallelism(), sc.getConf().getInt("spark.task.cpus", 1),
                run.root().toString(), run.isLocal(), defaultFsShared, staging);
    }

    private Result finish(RunDirectory run, TrainingData data, TrainingHistory history, CheckpointStore checkpoints,
                          TrainingRecipe recipe, TrainerSettings settings, long limit, long trainImages) {
        EpochRecord best = history.best();
        MultiLayerNetwork bestNetwork = best.averagedIsBetter() ? checkpoints.loadAveraged(best.epoch()) : checkpoints.load(best.epoch());
        Evaluator.Result test = data.test() == null ? new Evaluator.Result(Double.NaN, Double.NaN, 0)
                : Evaluator.evaluate(spark, limited(data.test(), limit / 4, recipe.seed()),
                org.emnistnet.model.ModelBytes.of(bestNetwork), data.classNames().size(), recipe.labelSmoothing());
        org.emnistnet.model.ModelCard card = RunFiles.card(data.manifest(), data.manifestSha256(), data.source(), recipe,
                settings, best, bestNetwork.numParams(), test, limit, trainImages);
        String modelSha = RunFiles.writeModel(bestNetwork, run, card);
        LOG.info("best epoch {} (val_accuracy {}), test_accuracy {} -> {}", best.epoch(), best.bestValAccuracy(), test.accuracy(),
                run.model());
        return new Result(run, best.epoch(), best.bestValAccuracy(), test.accuracy(), modelSha, history.epochs());
    }

    /** At most {@code limit} rows (0 = all), chosen by a hash of (seed, id): the same rows on every run. */
    static Dataset<Row> limited(Dataset<Row> rows, long limit, long seed) {
        return limit <= 0 ? rows : rows.orderBy(xxhash64(lit(seed), col(ImageSchema.ID)), col(ImageSchema.ID)).limit((int) Math.min(limit, Integer.MAX_VALUE));
    }
}
