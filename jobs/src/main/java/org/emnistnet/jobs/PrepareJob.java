package org.emnistnet.jobs;

import org.emnistnet.artifact.OutputPaths;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.transform.Preparation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Prepare: reads ingest's Parquet, fixes the orientation where the dataset stores images transposed, moves a
 * stratified, seed-determined fraction of train to a "val" split, and writes Parquet partitioned by split.
 *
 * <pre>
 * bin/emnistnet prepare --in lake/fashion-mnist/raw --out lake/fashion-mnist/prepared
 * </pre>
 */
@Command(name = "prepare", mixinStandardHelpOptions = true, defaultValueProvider = ReferenceDefaults.class,
        description = "Raw Parquet -> prepared Parquet: orientation fix, deterministic train/val split.")
public final class PrepareJob implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "RAW", description = "Output of ingest.")
    String in;

    @Option(names = "--out", required = true, paramLabel = "PREPARED", description = "Output directory.")
    String out;

    @Option(names = "--val-fraction", description = "Share of train moved to val, per class. Default: ${DEFAULT-VALUE}.")
    double valFraction;

    @Option(names = "--seed", description = "Seed of the split. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--overwrite", description = "Replace an existing output (only once the new one is complete).")
    boolean overwrite;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new PrepareJob(), args);
    }

    @Override
    public Integer call() {
        try (SparkSession session = spark.open("prepare")) {
            OutputPaths.checkApart("--out", out, in);
            if (!(valFraction >= 0 && valFraction < 1)) {
                throw new org.emnistnet.UsageException("--val-fraction must lie in [0, 1), got " + valFraction);
            }
            Preparation.Result result = new Preparation(session).prepare(new Path(in), new Path(out), valFraction, seed, overwrite);
            System.out.printf("prepare: %s -> %s (%s s)%n", result.rows(), result.output(), result.manifest().seconds());
        }
        return 0;
    }
}
