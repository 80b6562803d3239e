package org.emnistnet.transform;

import org.emnistnet.data.Split;
import org.emnistnet.artifact.HadoopFiles;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.emnistnet.artifact.AtomicOutputDirectory;
import org.emnistnet.artifact.BuildInfo;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.Manifests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.emnistnet.artifact.StageManifest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * The prepare stage: ingest's Parquet to model-ready Parquet. Fixes the orientation where the dataset stores
 * images transposed, and moves a stratified, deterministic fraction of the training split to a validation split:
 * within each class, images are ranked by a hash of (seed, id) and the first {@code round(n * fraction)} go to
 * "val". The split therefore depends only on the seed and the ids, never on partitioning or re-runs, and every
 * class keeps exactly its share. Output: Parquet partitioned by split (train, val, test) and a manifest.
 */
public final class Preparation {
    private static final Logger LOG = LoggerFactory.getLogger(Preparation.class);

    private final SparkSession spark;

    public Preparation(SparkSession spark) {
        this.spark = spark;
    }

    public record Result(Path output, Map<String, Long> rows, StageManifest manifest) {
    }

    public Result prepare(Path raw, Path output, double valFraction, long seed, boolean overwrite) {
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new InvalidDataException(org.emnistnet.Parameter.VAL_FRACTION + " must be in [0, 1), got " + valFraction);
        }
        long started = System.nanoTime();
        org.emnistnet.data.RawDataset rawDataset = org.emnistnet.data.RawDataset.at(raw.toString());
        StageManifest input = rawDataset.manifest();
        AtomicOutputDirectory.checkWritable(output, overwrite);
        List<String> classNames = input.classNames();
        boolean transposed = Boolean.TRUE.equals(input.transposed());

        Dataset<Row> images = rawDataset.rows(spark);
        OrientationFix orientation = OrientationFix.forDataset(transposed);
        orientation.transformSchema(images.schema());
        rejectUnusableRows(images, raw, classNames.size());

        Dataset<Row> prepared = withValidationSplit(orientation.transform(images), valFraction, seed)
                .select(ImageSchema.ID, ImageSchema.SPLIT, ImageSchema.LABEL, ImageSchema.PIXELS);
        StageManifest[] manifest = new StageManifest[1];
        AtomicOutputDirectory.write(output, overwrite, temporary -> {
            prepared.write().partitionBy(ImageSchema.SPLIT).parquet(temporary.toString());
            manifest[0] = manifestOf(temporary, input, raw, rawDataset.manifestSha256(), transposed, valFraction, seed, started);
            Manifests.write(temporary, manifest[0]);
        });
        LOG.info("prepared {} into {}", manifest[0].rows(), output);
        return new Result(output, manifest[0].rows(), manifest[0]);
    }

    /** Assigns "val" to a stratified, seed-determined fraction of the "train" rows; other rows keep their split. */
    public static Dataset<Row> withValidationSplit(Dataset<Row> images, double valFraction, long seed) {
        Column isTrain = Split.TRAIN.column();
        WindowSpec byClass = Window.partitionBy(isTrain, col(ImageSchema.LABEL));
        WindowSpec ranked = byClass.orderBy(xxhash64(lit(seed), col(ImageSchema.ID)), col(ImageSchema.ID));
        Column isVal = isTrain.and(row_number().over(ranked).leq(round(count(lit(1)).over(byClass).multiply(valFraction))));
        return images.withColumn(ImageSchema.SPLIT, when(isVal, lit(Split.VAL.id())).otherwise(col(ImageSchema.SPLIT)));
    }

    /** One scan before any writing: a row the model cannot use stops the stage with the rows named. */
    private static void rejectUnusableRows(Dataset<Row> images, Path raw, int classes) {
        Column badPixels = col(ImageSchema.PIXELS).isNull().or(length(col(ImageSchema.PIXELS)).notEqual(ImageSchema.PIXEL_COUNT));
        Column badLabel = col(ImageSchema.LABEL).isNull().or(col(ImageSchema.LABEL).lt(0)).or(col(ImageSchema.LABEL).geq(classes));
        Dataset<Row> bad = images.where(badPixels.or(badLabel));
        long count = bad.count();
        if (count > 0) {
            List<String> examples = bad.limit(5).select(col(ImageSchema.ID)).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
            throw new InvalidDataException(raw + ": " + count + " rows cannot be used (pixels not " + ImageSchema.PIXEL_COUNT
                    + " bytes, or label outside 0.." + (classes - 1) + "), e.g. ids " + examples);
        }
    }

    private StageManifest manifestOf(Path written, StageManifest input, Path raw, String rawManifestSha256, boolean transposed,
                                     double valFraction, long seed, long started) {
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Map<String, Long>> classCounts = new LinkedHashMap<>();
        for (Row row : spark.read().parquet(HadoopFiles.literal(written.toString())).groupBy(ImageSchema.SPLIT, ImageSchema.LABEL).count()
                .orderBy(ImageSchema.SPLIT, ImageSchema.LABEL).collectAsList()) {
            String split = row.getString(0);
            rows.merge(split, row.getLong(2), Long::sum);
            classCounts.computeIfAbsent(split, s -> new LinkedHashMap<>()).put(input.classNames().get(row.getInt(1)), row.getLong(2));
        }
        return StageManifest.prepare(input, raw.toString(), rawManifestSha256, rows, classCounts,
                new StageManifest.PrepareParameters(valFraction, seed, transposed),
                (System.nanoTime() - started) / 1e9, BuildInfo.versions());
    }
}
