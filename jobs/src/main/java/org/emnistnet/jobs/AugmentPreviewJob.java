package org.emnistnet.jobs;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.transform.Augmentation;
import org.emnistnet.picture.AugmentationPreview;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Augment preview: writes DIR/preview.png, a grid of training images next to their augmentation for one epoch.
 *
 * <pre>
 * bin/emnistnet augment-preview --in lake/fashion-mnist/prepared --out out/preview --n 64
 * </pre>
 */
@Command(name = "augment-preview", mixinStandardHelpOptions = true, defaultValueProvider = ReferenceDefaults.class,
        description = "PNG grid of training images before (left) and after (right) augmentation.")
public final class AugmentPreviewJob implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "PREPARED", description = "Output of prepare.")
    String in;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for preview.png.")
    String out;

    @Option(names = "--n", defaultValue = "64", description = "Images to show. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--epoch", defaultValue = "0", description = "Epoch whose augmentation to show. Default: ${DEFAULT-VALUE}.")
    int epoch;

    @Option(names = "--seed", description = "Augmentation seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--max-degrees", description = "Largest rotation. Default: ${DEFAULT-VALUE}.")
    double maxDegrees;

    @Option(names = "--noise-std", description = "Noise std in [0,1] units. Default: ${DEFAULT-VALUE}.")
    double noiseStd;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new AugmentPreviewJob(), args);
    }

    @Override
    public Integer call() {
        try (SparkSession session = spark.open("augment-preview")) {
            Path file = AugmentationPreview.write(session, org.emnistnet.data.PreparedDataset.at(in), new Path(out), n,
                    new Augmentation(maxDegrees, noiseStd, seed), epoch);
            System.out.println("augment-preview: " + file);
        }
        return 0;
    }
}
