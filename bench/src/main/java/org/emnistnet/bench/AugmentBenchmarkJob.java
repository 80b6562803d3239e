package org.emnistnet.bench;

import org.emnistnet.data.Split;
import org.emnistnet.jobs.JobRunner;
import org.emnistnet.jobs.SparkOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.transform.Augmentation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;


/**
 * Benchmark: augmentation throughput (rotation + noise) over a prepared training split, cached in memory first
 * so that Parquet reading is not measured. Each run augments every image once (a new epoch) into Spark's no-op
 * sink; prints images/s per run and the median.
 */
@Command(name = "benchmark-augment", mixinStandardHelpOptions = true,
        description = "Measure augmentation throughput (images/s) over the prepared train split.")
public final class AugmentBenchmarkJob implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "PREPARED")
    String in;

    @Option(names = "--runs", defaultValue = "3")
    int runs;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new AugmentBenchmarkJob(), args);
    }

    @Override
    public Integer call() {
        try (SparkSession session = spark.open("benchmark-augment")) {
            Dataset<Row> train = Split.TRAIN.of(session.read().parquet(HadoopFiles.literal(in))).cache();
            long images = train.count();
            Augmentation augmentation = Augmentation.reference(42);
            augmentation.apply(train, 99).write().format("noop").mode("overwrite").save(); // warm-up: JIT, codegen
            List<Double> rates = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                long start = System.nanoTime();
                augmentation.apply(train, run).write().format("noop").mode("overwrite").save();
                rates.add(images / ((System.nanoTime() - start) / 1e9));
                System.out.printf("run %d: %d images, %.0f images/s%n", run + 1, images, rates.get(run));
            }
            System.out.printf("benchmark-augment: median %.0f images/s on %s (%d runs)%n", Medians.of(rates),
                    session.sparkContext().master(), runs);
        }
        return 0;
    }
}
