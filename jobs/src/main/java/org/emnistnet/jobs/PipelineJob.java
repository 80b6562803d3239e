package org.emnistnet.jobs;

import org.apache.spark.sql.SparkSession;
import org.emnistnet.data.DatasetDescriptor;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.pipeline.Pipeline;
import org.emnistnet.train.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * The whole pipeline in one Spark application: ingest -> prepare -> train -> score (test split) -> evaluate.
 * Everything goes under WORK/: raw/, prepared/, run/, scores/, report/ (report.html is printed at the end).
 *
 * <pre>
 * bin/emnistnet pipeline --dataset fashion-mnist --work work/fashion-mnist --epochs 1 --limit 5000   # minutes
 * bin/emnistnet pipeline --dataset fashion-mnist --work work/fashion-mnist                           # full recipe, ~1 h on 2 cores
 * </pre>
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, defaultValueProvider = ReferenceDefaults.class,
        description = "ingest -> prepare -> train -> score -> evaluate, end to end.")
public final class PipelineJob implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "IDX directory. Default: the dataset's own.")
    String data;

    @Option(names = "--work", paramLabel = "DIR", description = "Working directory, a path or URI (hdfs:, s3a:, file:). Default: work/<dataset>.")
    String work;

    @Option(names = "--epochs", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", description = "Global minibatch, split over the workers. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--limit", defaultValue = "0", description = "Train on at most N images (0 = all).")
    long limit;

    @Option(names = "--workers", defaultValue = "0", description = "Parallel workers (0 = one on a local master, whose minibatches are split over its cores;"
            + " Spark's default parallelism on a cluster).")
    int workers;

    @Option(names = "--averaging-frequency", defaultValue = "0", description = "Minibatches per worker between averagings (0 = every minibatch on a local master, every 5 on a cluster).")
    int averagingFrequency;

    @Option(names = "--overwrite", description = "Start over: replace everything under WORK.")
    boolean overwrite;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new PipelineJob(), args);
    }

    @Override
    public Integer call() {
        Options.atLeast("--batch", batch, 1);
        DatasetDescriptor descriptor = DatasetDescriptor.named(dataset);
        TrainingOptions options = new TrainingOptions(TrainingRecipe.reference().withEpochs(epochs).withBatchSize(batch), workers, 0,
                averagingFrequency, limit);
        try (SparkSession session = spark.open("pipeline")) {
            new Pipeline(session, line -> System.out.println(Flags.inFlags(line))).run(descriptor, data,
                    work != null ? work : "work/" + descriptor.name(), options, overwrite);
        }
        return 0;
    }
}
