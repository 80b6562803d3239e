package org.emnistnet.bench;

import org.emnistnet.Defaults;
import org.emnistnet.data.Split;
import org.emnistnet.jobs.EngineOption;
import org.emnistnet.jobs.JobRunner;
import org.emnistnet.jobs.SparkOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.model.TrainedModel;
import org.emnistnet.score.BatchScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;


/**
 * Benchmark: scoring throughput of a prepared split (cached first, so Parquet reading is not measured) or of a
 * directory of image files (read, decoded and scored), into Spark's no-op sink. Prints images/s per run and the
 * median.
 */
@Command(name = "benchmark-score", mixinStandardHelpOptions = true, description = "Scoring throughput (images/s).")
public final class ScoreBenchmarkJob implements Callable<Integer> {
    @Option(names = "--model", required = true)
    String model;

    @Option(names = "--in", required = true, description = "Prepared Parquet or a directory of image files.")
    String in;

    @Option(names = "--split", defaultValue = Split.TEST_ID)
    String split;

    @Option(names = "--files", description = "--in is a directory of image files.")
    boolean files;

    @Option(names = "--batch")
    int batch = Defaults.INFERENCE_BATCH;

    @Option(names = "--runs", defaultValue = "3")
    int runs;

    /**
     * Untimed runs first. One was not enough to reach the JIT's steady state: over five runs in one JVM the 10,000-image
     * split went 2,928 -> 2,897 -> 3,065 -> 3,203 -> 3,252 images/s (the anchor times a warmed-up ONNX Runtime too).
     */
    @Option(names = "--warmup", defaultValue = "3", description = "Untimed runs before the timed ones. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Mixin
    EngineOption engine;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new ScoreBenchmarkJob(), args);
    }

    @Override
    public Integer call() {
        try (SparkSession session = spark.open("benchmark-score")) {
            BatchScorer scorer = new BatchScorer(session, TrainedModel.load(model), 3, batch).withEngine(engine.engine());
            Dataset<Row> images = files ? null
                    : Split.named(split).of(session.read().parquet(HadoopFiles.literal(in))).repartition(session.sparkContext().defaultParallelism()).cache();
            long count = files ? session.read().format("binaryFile").option("recursiveFileLookup", "true").load(in).count() : images.count();
            List<Double> rates = new ArrayList<>();
            for (int run = -warmup; run < runs; run++) { // runs below 0 warm up
                long start = System.nanoTime();
                (files ? scorer.scoreFiles(in) : scorer.scoreImages(images)).predictions().write().format("noop").mode("overwrite").save();
                double rate = count / ((System.nanoTime() - start) / 1e9);
                if (run >= 0) {
                    rates.add(rate);
                    System.out.printf("run %d: %d images, %.0f images/s%n", run + 1, count, rate);
                }
            }
            System.out.printf("benchmark-score: %s, engine %s, median %.0f images/s on %s (%d runs after %d untimed)%n",
                    files ? "image files" : "parquet", scorer.engine(), Medians.of(rates), session.sparkContext().master(), runs, warmup);
        }
        return 0;
    }
}
