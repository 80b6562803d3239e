package org.emnistnet.jobs;

import org.emnistnet.Defaults;
import org.emnistnet.score.OutputFormat;
import org.emnistnet.data.Split;
import org.emnistnet.artifact.OutputPaths;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.RunDirectory;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.EmnistNetException;
import org.emnistnet.eval.EvaluationReport;
import org.emnistnet.eval.Metrics;
import org.emnistnet.model.TrainedModel;
import org.emnistnet.score.BatchScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;


/**
 * Evaluate: predictions (from score) against the labels of the split they came from, or a model scored on the
 * split right here (--model). Writes REPORT/metrics.json, confusion.png, worst_errors.png and report.html (with
 * the training curves and history when --run is given).
 *
 * <pre>
 * bin/emnistnet evaluate --predictions out/scores --labels lake/fashion-mnist/prepared --split test --out out/report --run runs/fashion-mnist
 * bin/emnistnet evaluate --model runs/fashion-mnist/model.zip --labels lake/fashion-mnist/prepared --out out/report
 * </pre>
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Metrics, confusion matrix, error gallery and an HTML report for a labelled split.")
public final class EvaluateJob implements Callable<Integer> {
    @Option(names = "--predictions", paramLabel = "OUT", description = "Parquet output of score (or give --model).")
    String predictions;

    @Option(names = "--model", paramLabel = "MODEL.zip", description = "Score this model on the split first (instead of --predictions).")
    String model;

    @Option(names = "--labels", required = true, paramLabel = "PREPARED", description = "The prepared dataset with the true labels.")
    String labels;

    @Option(names = "--split", defaultValue = Split.TEST_ID, description = "Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--out", required = true, paramLabel = "REPORT", description = "Report directory: a path or URI (hdfs:, s3a:, file:).")
    String out;

    @Option(names = "--run", paramLabel = "RUN", description = "Training run directory: adds curves, history and model provenance.")
    String run;

    @Option(names = "--overwrite", description = "Replace an existing report (and predictions made with --model).")
    boolean overwrite;

    @Mixin
    EngineOption engine;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new EvaluateJob(), args);
    }

    @Override
    public Integer call() {
        org.emnistnet.score.Engine forwardPass = engine.engine(); // a usage error before any work
        if ((predictions == null) == (model == null)) {
            throw new EmnistNetException("give exactly one of --predictions and --model");
        }
        try (SparkSession session = spark.open("evaluate")) {
            OutputPaths.checkApart("--out", out, predictions, labels, run, model);
            org.emnistnet.data.PreparedDataset labelData = org.emnistnet.data.PreparedDataset.at(labels);
            Split labelled = Options.checkSplit(labelData, split);
            String scored = predictions;
            if (model != null) {
                scored = HadoopFiles.qualified(out) + ".predictions";
                TrainedModel trained = TrainedModel.load(model);
                Options.checkClasses(labelData, model, trained.classNames());
                BatchScorer scorer = new BatchScorer(session, trained, Defaults.TOP_K, Defaults.INFERENCE_BATCH).withEngine(forwardPass);
                scorer.write(scorer.scoreImages(labelData.split(session, labelled)),
                        new Path(scored), OutputFormat.parquet, overwrite, labels + " (split " + split + ")");
            }
            RunDirectory runDir = run != null ? RunDirectory.at(run)
                    : model != null ? new RunDirectory(HadoopFiles.qualified(model).getParent()) : null;
            Metrics metrics = new EvaluationReport(session).write(scored, labelData, labelled, out, runDir, overwrite);
            System.out.printf("evaluate: accuracy %.4f, top-%d %.4f, macro F1 %.4f on %d images -> %s%n", metrics.accuracy(),
                    metrics.topK(), metrics.topKAccuracy(), metrics.macroF1(), metrics.total(), out + "/report.html");
        }
        return 0;
    }
}
