package org.emnistnet.jobs;

import org.emnistnet.artifact.OutputPaths;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.train.ResumeCheck;
import org.emnistnet.train.TrainingOptions;
import org.emnistnet.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.RunDirectory;
import java.util.concurrent.Callable;

/**
 * Train: EMNISTNet with DL4J parameter averaging across Spark executors, the reference recipe by default.
 * Writes RUN/checkpoints/epoch-NN.zip (+ .sha256), RUN/history.json, RUN/curves.png after every epoch, and at the
 * end RUN/model.zip (best validation epoch, + .sha256) and RUN/model.json (provenance and test accuracy).
 *
 * <pre>
 * bin/emnistnet train --in lake/fashion-mnist/prepared --run runs/fashion-mnist
 * bin/emnistnet train --in lake/fashion-mnist/prepared --run runs/fashion-mnist --resume      # after a crash
 * spark-submit --class org.emnistnet.jobs.TrainJob app.jar --in hdfs:///lake/prepared --run /shared/runs/r1 --workers 8
 * </pre>
 */
@Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = ReferenceDefaults.class,
        description = "Train EMNISTNet with parameter averaging; checkpoints, history and curves every epoch.")
public final class TrainJob implements Callable<Integer> {
    private static final TrainingRecipe REFERENCE = TrainingRecipe.reference();

    @Option(names = "--in", required = true, paramLabel = "PREPARED", description = "Output of prepare.")
    String in;

    @Option(names = "--run", required = true, paramLabel = "DIR",
            description = "Run directory: a path or URI (hdfs:, s3a:, file:). On a cluster in cluster deploy mode, use the cluster's filesystem.")
    String run;

    @Option(names = "--staging", paramLabel = "DIR",
            description = "Where each epoch's minibatches are staged for the workers; must be readable by every executor "
                    + "(HDFS, or a shared mount). Default: the run directory on a shared filesystem or on a local master, "
                    + "else the default filesystem if shared, else minibatches travel through Spark.")
    String staging;

    @Option(names = "--epochs", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", description = "Global minibatch, split over the workers. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--batch-per-worker", defaultValue = "0", description = "Minibatch per worker (0 = --batch / workers).")
    int batchPerWorker;

    @Option(names = "--workers", defaultValue = "0", description = "Parallel workers (0 = one on a local master, whose minibatches are split over its cores;"
            + " Spark's default parallelism on a cluster).")
    int workers;

    @Option(names = "--averaging-frequency", defaultValue = "0", description = "Minibatches per worker between averagings (0 = every minibatch on a local master, every 5 on a cluster).")
    int averagingFrequency;

    @Option(names = "--max-lr", paramLabel = "LR",
            description = "Peak of the one-cycle learning rate. Default: ${DEFAULT-VALUE} (the reference recipe).")
    double maxLearningRate;

    @Option(names = "--ema-decay", paramLabel = "DECAY",
            description = "Also keep an exponential moving average of the weights over the averaging rounds (Polyak), "
                    + "evaluated on validation every epoch and saved as the model when better; e.g. 0.999. "
                    + "Default: ${DEFAULT-VALUE} (off).")
    double emaDecay;

    @Option(names = "--seed", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--limit", defaultValue = "0", description = "Train on at most N images (0 = all), for a quick look.")
    long limit;

    @Option(names = "--resume", description = "Continue from the last complete checkpoint with the run's saved settings.")
    boolean resume;

    @Mixin
    SparkOptions spark;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        JobRunner.main(new TrainJob(), args);
    }

    @Override
    public Integer call() {
        Options.atLeast("--epochs", epochs, 1);
        Options.atLeast("--batch", batch, 1);
        Options.atLeast("--batch-per-worker", batchPerWorker, 0);
        Options.atLeast("--workers", workers, 0);
        Options.atLeast("--averaging-frequency", averagingFrequency, 0);
        Options.atLeast("--limit", limit, 0);
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new org.emnistnet.UsageException("--ema-decay must lie in [0, 1) (0 = off), got " + emaDecay);
        }
        if (!(maxLearningRate > 0 && maxLearningRate < 1)) {
            throw new org.emnistnet.UsageException("--max-lr must lie in (0, 1), got " + maxLearningRate);
        }
        TrainingRecipe recipe = REFERENCE.withEpochs(epochs).withBatchSize(batch).withSeed(seed).withMaxLearningRate(maxLearningRate)
                .withEmaDecay(emaDecay);
        TrainingOptions options = new TrainingOptions(recipe, workers, batchPerWorker, averagingFrequency, limit);
        try (SparkSession session = spark.open("train")) {
            OutputPaths.checkApart("--run", run, in);
            RunDirectory runDirectory = RunDirectory.at(run);
            if (resume) {
                ResumeCheck.requireSameSettings(runDirectory, options, givenOptions());
            }
            TrainingRun.Result result = new TrainingRun(session).train(org.emnistnet.data.PreparedDataset.at(in), runDirectory, options, resume, staging,
                    line -> System.out.println("train: " + Flags.inFlags(line)));
            System.out.printf("train: best epoch %d, val_accuracy %.4f, test_accuracy %.4f -> %s (sha256 %s)%n",
                    result.bestEpoch(), result.valAccuracy(), result.testAccuracy(), HadoopFiles.display(runDirectory.model()), result.modelSha256());
        }
        return 0;
    }

    /** The settings typed on the command line (not those left at their defaults). */
    private java.util.Set<org.emnistnet.Parameter> givenOptions() {
        return spec.commandLine().getParseResult().matchedOptions().stream()
                .map(picocli.CommandLine.Model.OptionSpec::longestName).flatMap(flag -> Flags.parameterOf(flag).stream())
                .collect(java.util.stream.Collectors.toSet());
    }
}
