package org.emnistnet.jobs;

import org.emnistnet.data.Split;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.artifact.OutputPaths;
import org.emnistnet.picture.PngExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Export PNG: writes the images of a prepared split as 28x28 greyscale PNG files named by id (in the dataset's
 * convention, so scoring them gives exactly the predictions of their Parquet rows). Useful to try the image-file
 * scoring path and to benchmark it. Ids that are not plain file names get a safe name ({@code PngExport}).
 */
@Command(name = "export-png", mixinStandardHelpOptions = true, description = "Write a prepared split's images as PNG files.")
public final class ExportPngJob implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "PREPARED")
    String in;

    @Option(names = "--split", defaultValue = Split.TEST_ID)
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    String out;

    @Option(names = "--n", defaultValue = "0", description = "At most this many images (0 = all).")
    int n;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new ExportPngJob(), args);
    }

    @Override
    public Integer call() {
        try (SparkSession session = spark.open("export-png")) {
            OutputPaths.checkApart("--out", out, in);
            org.emnistnet.data.PreparedDataset prepared = org.emnistnet.data.PreparedDataset.at(in);
            Split exported = Options.checkSplit(prepared, split);
            long count = PngExport.export(session, prepared, exported, new Path(out), n, overwrite);
            System.out.printf("export-png: %d images -> %s%n", count, out);
        }
        return 0;
    }
}
