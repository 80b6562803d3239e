package org.emnistnet.train;

import org.emnistnet.eval.Evaluator;


import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.TrainingHistory;
import org.emnistnet.model.ModelBytes;

import java.util.ArrayList;
import java.util.List;

/**
 * The test accuracy every epoch's checkpoint would have had, computed after training from the checkpoints: what
 * comparisons with the PyTorch anchor need (it records the test accuracy of every epoch, so that the best-validation
 * epoch and the last epoch can both be reported). Training itself never looks at the test split; this does not
 * change what a run selects or serves.
 */
public final class EpochTests {
    private EpochTests() {
    }

    /**
     * One epoch's validation and test figures, raw weights and (when the run kept them) the moving average.
     *
     * @param emaTestAccuracy null when the run kept no moving average
     */
    public record EpochTest(int epoch, double valAccuracy, double testAccuracy, Double emaValAccuracy,
                            Double emaTestAccuracy) {
    }

    /** The run's recorded epochs; an error naming the file when there are none (not a run, or not begun). */
    public static List<EpochRecord> history(RunDirectory run) {
        List<EpochRecord> history = TrainingHistory.read(run.file(RunDirectory.HISTORY));
        if (history.isEmpty()) {
            throw new EmnistNetException(run.file(RunDirectory.HISTORY) + ": no epochs recorded; nothing to test");
        }
        return history;
    }

    /** Every epoch of {@code run}'s history, its checkpoints evaluated on {@code testRows} (label and pixels). */
    public static List<EpochTest> of(SparkSession spark, RunDirectory run, Dataset<Row> testRows, int classes) {
        List<EpochRecord> history = history(run);
        double smoothing = RunFiles.savedOptions(run).orElseThrow(() -> new EmnistNetException(
                run.file(RunDirectory.RUN_SETTINGS) + ": missing; not a training run")).recipe().labelSmoothing();
        CheckpointStore checkpoints = new CheckpointStore(run);
        Dataset<Row> rows = testRows.cache();
        try {
            List<EpochTest> tests = new ArrayList<>();
            for (EpochRecord epoch : history) {
                double raw = accuracy(spark, rows, checkpoints.load(epoch.epoch()), classes, smoothing);
                Double averaged = epoch.emaValAccuracy() == null ? null
                        : accuracy(spark, rows, checkpoints.loadAveraged(epoch.epoch()), classes, smoothing);
                tests.add(new EpochTest(epoch.epoch(), epoch.valAccuracy(), raw, epoch.emaValAccuracy(), averaged));
            }
            return tests;
        } finally {
            rows.unpersist();
        }
    }

    private static double accuracy(SparkSession spark, Dataset<Row> rows, MultiLayerNetwork network, int classes,
                                   double smoothing) {
        return Evaluator.evaluate(spark, rows, ModelBytes.of(network), classes, smoothing).accuracy();
    }
}
