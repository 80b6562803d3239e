package org.emnistnet.bench;

import org.emnistnet.data.Split;
import org.emnistnet.jobs.Options;
import org.emnistnet.jobs.JobRunner;
import org.emnistnet.jobs.SparkOptions;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.train.EpochTests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;


/**
 * Test accuracy of every epoch's checkpoint of a finished (or stopped) run, after the fact: for comparisons that
 * report both the best-validation epoch and the last epoch, as the PyTorch anchor does. Prints one line per epoch
 * and a summary; writes nothing.
 *
 * <pre>
 * bin/emnistnet epoch-tests --run runs/fashion-mnist --labels lake/fashion-mnist/prepared
 * </pre>
 */
@Command(name = "epoch-tests", mixinStandardHelpOptions = true,
        description = "Test accuracy of every epoch's checkpoint of a training run (raw and averaged weights).")
public final class EpochTestJob implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN", description = "Training run directory.")
    String run;

    @Option(names = "--labels", required = true, paramLabel = "PREPARED", description = "The prepared dataset the run trained on.")
    String labels;

    @Option(names = "--split", defaultValue = Split.TEST_ID, description = "Default: ${DEFAULT-VALUE}.")
    String split;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new EpochTestJob(), args);
    }

    @Override
    public Integer call() {
        try (SparkSession session = spark.open("epoch-tests")) {
            org.emnistnet.data.PreparedDataset labelData = org.emnistnet.data.PreparedDataset.at(labels);
            Split tested = Options.checkSplit(labelData, split);
            RunDirectory runDirectory = RunDirectory.at(run);
            EpochTests.history(runDirectory); // a folder that is no run is named before Spark reads anything
            List<EpochTests.EpochTest> tests = EpochTests.of(session, runDirectory, labelData.split(session, tested),
                    labelData.classes().size());
            for (EpochTests.EpochTest t : tests) {
                System.out.printf("epoch-tests: epoch %2d  val %.4f  %s %.4f%s%n", t.epoch(), t.valAccuracy(), split,
                        t.testAccuracy(), t.emaTestAccuracy() == null ? ""
                                : String.format("  ema_val %.4f  ema_%s %.4f", t.emaValAccuracy(), split, t.emaTestAccuracy()));
            }
            EpochTests.EpochTest last = tests.get(tests.size() - 1);
            EpochTests.EpochTest bestRaw = tests.stream().reduce((a, b) -> b.valAccuracy() > a.valAccuracy() ? b : a).orElseThrow();
            System.out.printf("epoch-tests: raw weights: best-validation epoch %d -> %s %.4f; last epoch -> %.4f%n",
                    bestRaw.epoch(), split, bestRaw.testAccuracy(), last.testAccuracy());
            if (last.emaTestAccuracy() != null) {
                EpochTests.EpochTest bestEma = tests.stream()
                        .reduce((a, b) -> b.emaValAccuracy() > a.emaValAccuracy() ? b : a).orElseThrow();
                System.out.printf("epoch-tests: averaged weights: best-validation epoch %d -> %s %.4f; last epoch -> %.4f%n",
                        bestEma.epoch(), split, bestEma.emaTestAccuracy(), last.emaTestAccuracy());
            }
        }
        return 0;
    }
}
