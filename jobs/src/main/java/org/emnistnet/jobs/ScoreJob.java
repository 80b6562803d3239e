package org.emnistnet.jobs;

import org.emnistnet.score.ScoringResult;
import org.emnistnet.score.OutputFormat;
import org.emnistnet.data.Split;
import org.emnistnet.artifact.OutputPaths;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.data.DataFiles;
import org.emnistnet.artifact.Manifests;
import org.emnistnet.model.TrainedModel;
import org.emnistnet.score.BatchScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;


/**
 * Score: predictions for a prepared Parquet split, or for every image file under a directory (PNG, JPEG, BMP,
 * GIF, any size or colour). Writes OUT/ (parquet, csv or json) with id|path, prediction, label_index,
 * probability, top_k, model_sha256, error, and OUT/_summary.json with the counts.
 *
 * <pre>
 * bin/emnistnet score --model runs/fashion-mnist/model.zip --in lake/fashion-mnist/prepared --split test --out out/scores
 * bin/emnistnet score --model models/fashion-mnist/model.zip --in ~/scans --out out/scans --format csv
 * </pre>
 */
@Command(name = "score", mixinStandardHelpOptions = true, defaultValueProvider = ReferenceDefaults.class,
        description = "Batch predictions for a prepared split or a directory tree of image files.")
public final class ScoreJob implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL.zip", description = "A trained model (model.json beside it); a path or URI (hdfs:, s3a:, file:).")
    String model;

    @Option(names = "--in", required = true, paramLabel = "INPUT", description = "Prepared Parquet (has _manifest.json) or a directory of image files.")
    String in;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output directory.")
    String out;

    @Option(names = "--split", defaultValue = Split.TEST_ID, description = "Split of a prepared input. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--top-k", description = "Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--batch", description = "Images per inference batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--format", defaultValue = OutputFormat.DEFAULT_NAME, description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    OutputFormat format;


    @Option(names = "--max-file-bytes", paramLabel = "BYTES",
            description = "Image files larger than this get an error row and are not read. Default: ${DEFAULT-VALUE} (64 MiB).")
    long maxFileBytes;

    @Option(names = "--follow-links", description = "Follow symbolic links in an image folder that lead to files or"
            + " folders inside it (links out of it, and second ways into a folder, are skipped). Default: links are"
            + " skipped; either way _summary.json counts the links skipped, by reason.")
    boolean followLinks;

    @Mixin
    EngineOption engine;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new ScoreJob(), args);
    }

    @Override
    public Integer call() {
        org.emnistnet.score.Engine forwardPass = engine.engine(); // a usage error before any work
        try (SparkSession session = spark.open("score")) {
            OutputPaths.checkApart("--out", out, in, model);
            Options.atLeast("--top-k", topK, 1);
            Options.atLeast("--batch", batch, 1);
            Options.atLeast("--max-file-bytes", maxFileBytes, 1);
            TrainedModel trained = TrainedModel.load(model);
            // a folder with a stage's manifest is a prepared dataset (or refused naming the stage it is); else image files
            org.emnistnet.data.PreparedDataset prepared = DataFiles.exists(new Path(in, Manifests.FILE_NAME))
                    ? org.emnistnet.data.PreparedDataset.at(in) : null;
            Split splitToScore = null;
            if (prepared != null) {
                splitToScore = Options.checkSplit(prepared, split);
                Options.checkClasses(prepared, model, trained.classNames());
            }
            // more than the model's classes would only add empty columns
            BatchScorer scorer = new BatchScorer(session, trained, Math.min(topK, trained.classNames().size()), batch)
                    .withEngine(forwardPass)
                    .withProgress(line -> System.out.println("score: " + line), java.time.Duration.ofSeconds(10));
            ScoringResult predictions = prepared != null
                    ? scorer.scoreSplit(prepared, splitToScore)
                    : scorer.scoreFiles(in, maxFileBytes, followLinks);
            org.emnistnet.artifact.ScoringSummary summary = scorer.write(predictions, new Path(out), format, overwrite,
                    prepared != null ? in + " (split " + split + ")" : in);
            System.out.printf("score: %s inputs, %s scored, %s failed %s -> %s%n", summary.inputs(),
                    summary.scored(), summary.failed(), summary.failedByReason(), out);
        }
        return 0;
    }
}
