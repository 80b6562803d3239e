package org.emnistnet.data;

import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.AtomicOutputDirectory;
import org.emnistnet.artifact.Manifests;
import org.emnistnet.artifact.BuildInfo;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.emnistnet.EmnistNetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.emnistnet.artifact.StageManifest;

/**
 * The ingest stage: IDX files of a dataset to Parquet ({@link ImageSchema#RAW}, partitioned by split) plus a
 * {@code _manifest.json}. Every file is validated on the driver first (one streaming pass: header, counts, label
 * range, SHA-256); the executors then read record ranges in parallel straight from the files, so the data never
 * passes through the driver. The output appears atomically or not at all.
 */
public final class IdxIngest {
    private static final Logger LOG = LoggerFactory.getLogger(IdxIngest.class);
    /** Records per Spark task: large enough to amortise skipping into a gzip stream, small enough to spread. */
    private static final long RECORDS_PER_RANGE = 16_000;

    private final SparkSession spark;

    public IdxIngest(SparkSession spark) {
        this.spark = spark;
    }

    public record Result(Path output, Map<String, Long> rows, StageManifest manifest) {
    }

    public Result ingest(DatasetDescriptor dataset, Path dataDir, Path output, boolean overwrite, boolean skipChecksum) {
        long started = System.nanoTime();
        if (!DataFiles.isDirectory(dataDir)) {
            Path looked = DataFiles.fileSystem(dataDir).makeQualified(dataDir);
            // In cluster deploy mode the default filesystem is the cluster's: a local default folder is not there.
            String where = dataDir.toUri().getScheme() == null && !org.emnistnet.artifact.HadoopFiles.isLocal(looked)
                    ? " (looked on the default filesystem, " + looked.toUri().getScheme() + "://" + looked.toUri().getAuthority()
                    + ": for files on the driver's own disk give file://" + looked.toUri().getPath()
                    + ", or put them on the cluster's filesystem and name that folder)"
                    : "";
            throw new InvalidDataException(looked + ": not a directory" + where + " (expected the directory that holds the "
                    + dataset.name() + " IDX files; get them with: " + dataset.howToGet() + ")");
        }
        AtomicOutputDirectory.checkWritable(output, overwrite);
        IdxSplitValidator validator = new IdxSplitValidator(dataset, dataDir, skipChecksum);
        List<ValidatedSplit> splits = new ArrayList<>();
        for (String split : dataset.splits().keySet()) {
            splits.add(validator.validate(split));
        }

        List<IdxRange> ranges = rangesOf(splits, dataset.labelBase());
        LongAccumulator written = spark.sparkContext().longAccumulator("ingest.rows");
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(ranges, ranges.size())
                .flatMap(IdxRange::rows)
                .map(row -> {
                    written.add(1);
                    return row;
                });
        long expected = splits.stream().mapToLong(ValidatedSplit::count).sum();
        StageManifest[] manifest = new StageManifest[1];
        AtomicOutputDirectory.write(output, overwrite, temporary -> {
            spark.createDataFrame(rows, ImageSchema.RAW).write()
                    .partitionBy(ImageSchema.SPLIT).parquet(temporary.toString());
            if (written.value() != expected) {
                throw new EmnistNetException("ingest wrote " + written.value() + " rows but the IDX files hold " + expected);
            }
            manifest[0] = manifestOf(dataset, splits, skipChecksum, (System.nanoTime() - started) / 1e9);
            Manifests.write(temporary, manifest[0]);
        });
        Map<String, Long> counts = new LinkedHashMap<>();
        splits.forEach(s -> counts.put(s.split(), s.count()));
        LOG.info("ingested {} {} into {}", counts, dataset.name(), output);
        return new Result(output, counts, manifest[0]);
    }

    static List<IdxRange> rangesOf(List<ValidatedSplit> splits, int labelBase) {
        List<IdxRange> ranges = new ArrayList<>();
        for (ValidatedSplit split : splits) {
            long pieces = Math.max(1, (split.count() + RECORDS_PER_RANGE - 1) / RECORDS_PER_RANGE);
            for (long piece = 0; piece < pieces; piece++) {
                long start = split.count() * piece / pieces;
                long end = split.count() * (piece + 1) / pieces;
                ranges.add(new IdxRange(split.split(), split.imagesPath(), split.labelsPath(), start, end, labelBase,
                        split.rows() * split.cols()));
            }
        }
        return ranges;
    }

    private static StageManifest manifestOf(DatasetDescriptor dataset, List<ValidatedSplit> splits,
                                            boolean skipChecksum, double seconds) {
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Map<String, Long>> classCounts = new LinkedHashMap<>();
        Map<String, String> inputs = new LinkedHashMap<>();
        for (ValidatedSplit split : splits) {
            rows.put(split.split(), split.count());
            Map<String, Long> perClass = new LinkedHashMap<>();
            for (int c = 0; c < dataset.numClasses(); c++) {
                perClass.put(dataset.classNames().get(c), split.classCounts()[c]);
            }
            classCounts.put(split.split(), perClass);
            inputs.putAll(split.sha256());
        }
        return StageManifest.ingest(dataset.name(), rows, classCounts, dataset.classNames(), dataset.transposed(),
                dataset.imageFileRecipe(), inputs, !skipChecksum, seconds, BuildInfo.versions());
    }
}
