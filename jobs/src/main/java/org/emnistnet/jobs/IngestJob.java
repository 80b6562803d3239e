package org.emnistnet.jobs;

import org.emnistnet.artifact.OutputPaths;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.data.DatasetDescriptor;
import org.emnistnet.data.IdxIngest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Ingest: reads a dataset's IDX .gz files, verifies their SHA-256, and writes Parquet (id, split, label, pixels)
 * partitioned by split, with a {@code _manifest.json}.
 *
 * <pre>
 * bin/emnistnet ingest --dataset fashion-mnist --out lake/fashion-mnist/raw
 * spark-submit --class org.emnistnet.jobs.IngestJob app.jar --dataset emnist-letters --data data/emnist-letters --out hdfs:///lake/raw
 * </pre>
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "IDX files -> Parquet (id, split, label, pixels) partitioned by split, with _manifest.json.")
public final class IngestJob implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "NAME|FILE.json",
            description = "emnist-letters, fashion-mnist, or a dataset descriptor JSON file.")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory of the IDX files. Default: the dataset's own.")
    String dataDir;

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "Output directory (any Hadoop path).")
    String out;

    @Option(names = "--overwrite", description = "Replace an existing output (only once the new one is complete).")
    boolean overwrite;

    @Option(names = "--skip-checksum", description = "Do not verify SHA-256 sums (logged loudly; recorded in the manifest).")
    boolean skipChecksum;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new IngestJob(), args);
    }

    @Override
    public Integer call() {
        DatasetDescriptor descriptor = DatasetDescriptor.named(dataset);
        Path data = new Path(dataDir != null ? dataDir : descriptor.defaultDataDir());
        try (SparkSession session = spark.open("ingest")) {
            OutputPaths.checkApart("--out", out, data.toString());
            IdxIngest.Result result = new IdxIngest(session).ingest(descriptor, data, new Path(out), overwrite, skipChecksum);
            System.out.printf("ingest: %s %s -> %s (%s s)%n", descriptor.name(), result.rows(), result.output(),
                    result.manifest().seconds());
        }
        return 0;
    }
}
