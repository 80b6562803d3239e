package org.emnistnet.pipeline;

import org.emnistnet.Defaults;
import org.emnistnet.data.Split;
import org.emnistnet.score.OutputFormat;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.OutputPaths;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.Stage;
import org.emnistnet.data.DatasetDescriptor;
import org.emnistnet.data.IdxIngest;
import org.emnistnet.data.PreparedDataset;
import org.emnistnet.eval.EvaluationReport;
import org.emnistnet.eval.Metrics;
import org.emnistnet.model.TrainedModel;
import org.emnistnet.score.BatchScorer;
import org.emnistnet.train.TrainingOptions;
import org.emnistnet.train.TrainingRun;
import org.emnistnet.transform.Preparation;

import java.util.function.Consumer;
import java.util.function.Supplier;


/**
 * ingest -> prepare -> train -> score (test split) -> evaluate, as one call, under one working directory on any
 * Hadoop filesystem: {@code raw/}, {@code prepared/}, {@code run/}, {@code scores/}, {@code report/}.
 * With {@code overwrite}, an earlier run under {@code run/} is removed only after ingest and prepare have
 * validated the data, just before training starts.
 */
public final class Pipeline {

    private final SparkSession spark;
    private final Consumer<String> progress;

    public Pipeline(SparkSession spark, Consumer<String> progress) {
        this.spark = spark;
        this.progress = progress;
    }

    /** {@code overwrite} replaces a training run (run.json, or the lock of one killed before it), nothing else. */
    private static void checkReplaceable(RunDirectory run) {
        if (org.emnistnet.data.DataFiles.exists(run.root())
                && !AtomicFiles.isFile(new Path(run.root(), RunDirectory.RUN_SETTINGS))
                && !AtomicFiles.isFile(new Path(run.root(), org.emnistnet.artifact.RunLock.FILE))) {
            throw new org.emnistnet.UsageException(run.root() + " exists and is not a training run of emnistnet (it has"
                    + " no run.json): " + org.emnistnet.Parameter.OVERWRITE + " replaces only those; remove it yourself if it should go");
        }
    }

    /** @param dataDir the IDX directory, or null for the dataset's own */
    public Metrics run(DatasetDescriptor dataset, String dataDir, String work, TrainingOptions training, boolean overwrite) {
        OutputPaths.checkApart(org.emnistnet.Parameter.WORK.toString(), work, dataDir);
        PipelineLayout layout = PipelineLayout.at(work);
        Path raw = layout.raw();
        Path prepared = layout.prepared();
        Path scores = layout.scores();
        RunDirectory run = layout.run();
        if (overwrite) {
            checkReplaceable(run);
        }
        step(Stage.INGEST.id(), () -> new IdxIngest(spark).ingest(dataset,
                new Path(dataDir != null ? dataDir : dataset.defaultDataDir()), raw, overwrite, false).rows());
        step(Stage.PREPARE.id(), () -> new Preparation(spark).prepare(raw, prepared, Defaults.VAL_FRACTION, Defaults.SPLIT_SEED, overwrite).rows());
        if (overwrite && org.emnistnet.data.DataFiles.exists(run.root())) {
            AtomicFiles.delete(run.root());
        }
        PreparedDataset preparedData = PreparedDataset.at(prepared.toString());
        TrainingRun.Result trained = new TrainingRun(spark).train(preparedData, run, training, false, null,
                line -> progress.accept("train: " + line));
        progress.accept(String.format("train: best epoch %d, val_accuracy %.4f, test_accuracy %.4f",
                trained.bestEpoch(), trained.valAccuracy(), trained.testAccuracy()));
        BatchScorer scorer = new BatchScorer(spark, TrainedModel.load(run.model()), Defaults.TOP_K, Defaults.INFERENCE_BATCH);
        step("score", () -> (scorer.write(scorer.scoreSplit(preparedData, Split.TEST), scores, OutputFormat.parquet,
                overwrite, preparedData + " (split " + Split.TEST + ")").line()));
        Path report = layout.report();
        Metrics metrics = new EvaluationReport(spark).write(scores.toString(), preparedData, Split.TEST,
                report.toString(), run, overwrite);
        progress.accept(String.format("evaluate: accuracy %.4f, macro F1 %.4f on %d test images", metrics.accuracy(),
                metrics.macroF1(), metrics.total()));
        progress.accept("report: " + HadoopFiles.display(new Path(report, "report.html")));
        return metrics;
    }

    private void step(String name, Supplier<Object> work) {
        long start = System.nanoTime();
        Object result = work.get();
        progress.accept(String.format("%s: %s (%.1f s)", name, result, (System.nanoTime() - start) / 1e9));
    }
}
