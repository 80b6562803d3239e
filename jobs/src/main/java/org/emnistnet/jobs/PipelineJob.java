package org.emnistnet.jobs;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.PipelineLayout;
import org.emnistnet.data.DatasetDescriptor;
import org.emnistnet.data.IdxIngest;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.eval.EvaluationReport;
import org.emnistnet.eval.Metrics;
import org.emnistnet.model.TrainedModel;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.score.BatchScorer;
import org.emnistnet.train.TrainingOptions;
import org.emnistnet.train.TrainingRun;
import org.emnistnet.transform.Preparation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;

/**
 * The whole pipeline in one Spark application: ingest -> prepare -> train -> score (test split) -> evaluate.
 * Everything goes under WORK/: raw/, prepared/, run/, scores/, report/ (report.html is printed at the end).
 *
 * <pre>
 * bin/emnistnet pipeline --dataset fashion-mnist --work work/fashion-mnist --epochs 1 --limit 5000   # minutes
 * bin/emnistnet pipeline --dataset fashion-mnist --work work/fashion-mnist                           # full recipe, ~1 h on 2 cores
 * </pre>
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "ingest -> prepare -> train -> score -> evaluate, end to end.")
public final class PipelineJob implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "IDX directory. Default: the dataset's own.")
    String data;

    @Option(names = "--work", paramLabel = "DIR", description = "Working directory. Default: work/<dataset>.")
    java.nio.file.Path work;

    @Option(names = "--epochs", defaultValue = "15", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--limit", defaultValue = "0", description = "Train on at most N images (0 = all).")
    long limit;

    @Option(names = "--workers", defaultValue = "0", description = "Parallel workers (0 = Spark's default parallelism).")
    int workers;

    @Option(names = "--averaging-frequency", defaultValue = "0", description = "Minibatches per worker between averagings (0 = every minibatch on a local master, every 5 on a cluster).")
    int averagingFrequency;

    @Option(names = "--overwrite", description = "Start over: replace everything under WORK.")
    boolean overwrite;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new PipelineJob(), args);
    }

    @Override
    public Integer call() {
        DatasetDescriptor descriptor = DatasetDescriptor.named(dataset);
        PipelineLayout layout = new PipelineLayout(work != null ? work : java.nio.file.Path.of("work", descriptor.name()));
        if (overwrite) {
            deleteTree(layout.run());
        }
        Path raw = new Path(layout.raw().toUri());
        Path prepared = new Path(layout.prepared().toUri());
        java.nio.file.Path run = layout.run();
        try (SparkSession session = spark.open("pipeline")) {
            step("ingest", () -> new IdxIngest(session).ingest(descriptor,
                    new Path(data != null ? data : descriptor.defaultDataDir()), raw, overwrite, false).rows());
            step("prepare", () -> new Preparation(session).prepare(raw, prepared, 0.1, 42, overwrite).rows());
            TrainingOptions options = new TrainingOptions(TrainingRecipe.reference().withEpochs(epochs), workers, 0,
                    averagingFrequency, limit);
            TrainingRun.Result trained = new TrainingRun(session).train(prepared.toString(), run, options, false,
                    line -> System.out.println("train: " + line));
            System.out.printf("train: best epoch %d, val_accuracy %.4f, test_accuracy %.4f%n",
                    trained.bestEpoch(), trained.valAccuracy(), trained.testAccuracy());
            Path scores = new Path(layout.scores().toUri());
            BatchScorer scorer = new BatchScorer(session, TrainedModel.load(layout.model()), 3, 1024);
            step("score", () -> summaryLine(scorer.write(scorer.scoreImages(session.read().parquet(prepared.toString())
                    .where(col(ImageSchema.SPLIT).equalTo("test"))), scores, "parquet", overwrite, prepared + " (split test)")));
            Metrics metrics = new EvaluationReport(session).write(scores.toString(), prepared.toString(), "test",
                    layout.report(), run, overwrite);
            System.out.printf("evaluate: accuracy %.4f, macro F1 %.4f on %d test images%n", metrics.accuracy(),
                    metrics.macroF1(), metrics.total());
            System.out.println("report: " + layout.report().resolve("report.html"));
        }
        return 0;
    }

    private static void step(String name, java.util.function.Supplier<Object> work) {
        long start = System.nanoTime();
        Object result = work.get();
        System.out.printf("%s: %s (%.1f s)%n", name, result, (System.nanoTime() - start) / 1e9);
    }

    private static String summaryLine(java.util.Map<String, Object> summary) {
        return summary.get("scored") + " of " + summary.get("inputs") + " scored, failed " + summary.get("failed_by_reason");
    }

    private static void deleteTree(java.nio.file.Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<java.nio.file.Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
