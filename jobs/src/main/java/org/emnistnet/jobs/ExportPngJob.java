package org.emnistnet.jobs;

import org.emnistnet.artifact.OutputPaths;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.data.DataFiles;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.transform.AugmentationPreview;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.col;

/**
 * Export PNG: writes the images of a prepared split as 28x28 greyscale PNG files named by id (in the dataset's
 * convention, so scoring them gives exactly the predictions of their Parquet rows). Useful to try the image-file
 * scoring path and to benchmark it.
 */
@Command(name = "export-png", mixinStandardHelpOptions = true, description = "Write a prepared split's images as PNG files.")
public final class ExportPngJob implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "PREPARED")
    String in;

    @Option(names = "--split", defaultValue = "test")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    String out;

    @Option(names = "--n", defaultValue = "0", description = "At most this many images (0 = all).")
    int n;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new ExportPngJob(), args);
    }

    @Override
    public Integer call() {
        String target = out;
        try (SparkSession session = spark.open("export-png")) {
            OutputPaths.checkApart("--out", out, in);
            var rows = session.read().parquet(in).where(col(ImageSchema.SPLIT).equalTo(split)).orderBy(ImageSchema.ID);
            if (n > 0) {
                rows = rows.limit(n);
            }
            long count = rows.count();
            rows.select(ImageSchema.ID, ImageSchema.PIXELS).foreachPartition(partition -> {
                while (partition.hasNext()) {
                    var row = partition.next();
                    Path file = new Path(target, row.getString(0) + ".png");
                    try (FSDataOutputStream stream = DataFiles.fileSystem(file).create(file, true)) {
                        ImageIO.write(AugmentationPreview.toImage((byte[]) row.get(1)), "png", stream);
                    }
                }
            });
            System.out.printf("export-png: %d images -> %s%n", count, out);
        }
        return 0;
    }
}
