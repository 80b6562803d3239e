package org.emnistnet.picture;

import org.emnistnet.data.Split;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.artifact.AtomicOutputDirectory;
import org.emnistnet.data.DataFiles;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.artifact.Sha256;

import javax.imageio.ImageIO;
import java.nio.charset.StandardCharsets;


/**
 * A prepared split's images as 28x28 greyscale PNG files, named by id, in the dataset's convention (so scoring
 * them gives exactly the predictions of their Parquet rows). Ids come from data, so they are never trusted as
 * file names ({@link #fileName}); the folder appears whole or not at all ({@link AtomicOutputDirectory}).
 */
public final class PngExport {
    private PngExport() {
    }

    /** Writes at most {@code limit} images (0 = all) of {@code split}; returns how many. */
    public static long export(SparkSession spark, org.emnistnet.data.PreparedDataset prepared, Split split, Path out, int limit,
                              boolean overwrite) {
        Dataset<Row> rows = prepared.split(spark, split).orderBy(ImageSchema.ID);
        Dataset<Row> chosen = (limit > 0 ? rows.limit(limit) : rows).select(ImageSchema.ID, ImageSchema.PIXELS);
        long[] count = {0};
        AtomicOutputDirectory.write(out, overwrite, temporary -> {
            String folder = temporary.toString();
            chosen.foreachPartition(partition -> {
                while (partition.hasNext()) {
                    Row row = partition.next();
                    Path file = new Path(folder, fileName(row.getString(0)));
                    try (FSDataOutputStream stream = DataFiles.fileSystem(file).create(file, false)) {
                        ImageIO.write(AugmentationPreview.toImage((byte[]) row.get(1)), "png", stream);
                    }
                }
            });
            count[0] = chosen.count();
        });
        return count[0];
    }

    /**
     * {@code ID.png} when the id is a plain name (letters, digits, {@code . - _}, not hidden); otherwise the id with
     * every other character replaced by {@code _} plus 12 hex digits of its SHA-256, so {@code ../x} cannot leave
     * the folder, two ids never share a file, and no name starts with {@code .} or {@code _} (Spark skips those).
     */
    static String fileName(String id) {
        String safe = id.replaceAll("[^A-Za-z0-9._-]", "_");
        boolean plain = safe.equals(id) && !id.isEmpty() && !id.startsWith(".") && !id.startsWith("_");
        if (plain) {
            return id + ".png";
        }
        String hash = Sha256.of(id.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
        return "id-" + safe.replaceAll("^[._]+", "") + "-" + hash + ".png";
    }
}
