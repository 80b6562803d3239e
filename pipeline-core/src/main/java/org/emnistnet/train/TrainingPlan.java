package org.emnistnet.train;

import org.emnistnet.train.paramavg.ReplicaFit;
import org.emnistnet.train.paramavg.TrainerSettings;
import org.emnistnet.EmnistNetException;

/**
 * How a run is cut up, decided before any work from the options, the data's size and a few facts about the Spark
 * application: workers, minibatch per worker, averaging frequency, cores per worker, where each epoch's
 * minibatches are staged, and the schedule's length. Pure: tests check every decision without Spark.
 *
 * @param staging       where the workers read each epoch's minibatches from, or null for DL4J's Direct approach
 *                      (minibatches travel inside Spark's shuffle)
 * @param stagingReason one sentence for the log: which path the run takes and why
 */
public record TrainingPlan(TrainerSettings settings, long trainImages, int epochs, String staging, String stagingReason) {

    /**
     * The facts about the Spark application and the run's storage a plan depends on.
     *
     * @param localMaster        driver and workers share one JVM (local[N])
     * @param defaultParallelism Spark's default parallelism (local[N]'s N; a cluster's total cores)
     * @param taskCpus           {@code spark.task.cpus}
     * @param runDirectory       the run directory's URI
     * @param runIsLocal         the run directory is on this machine's local filesystem
     * @param defaultFsShared    the default filesystem is not the local one (HDFS, S3, ...)
     * @param stagingOption      {@code --staging DIR}: a directory the user asserts every executor can read, or null
     */
    public record Environment(boolean localMaster, int defaultParallelism, int taskCpus, String runDirectory,
                              boolean runIsLocal, boolean defaultFsShared, String stagingOption) {
    }

    public static TrainingPlan of(TrainingOptions options, long trainImages, Environment env, String runId) {
        if (trainImages <= 0) {
            throw new EmnistNetException("no training images: the train split is empty");
        }
        int workers = options.workers() > 0 ? options.workers() : defaultWorkers(env);
        int batchPerWorker = options.batchPerWorker() > 0 ? options.batchPerWorker()
                : Math.max(1, options.recipe().batchSize() / workers);
        int averagingFrequency = options.averagingFrequency() > 0 ? options.averagingFrequency()
                : TrainingOptions.defaultAveragingFrequency(env.localMaster(), workers);
        int threads = TrainerSettings.threadsPerWorker(env.localMaster(), env.defaultParallelism(), workers, env.taskCpus());
        String[] staging = staging(env, runId);
        // every core of a worker fits a slice of its minibatch (ReplicaFit): faster than one network over all of them
        TrainerSettings settings = new TrainerSettings(workers, batchPerWorker, averagingFrequency, staging[0],
                options.recipe().seed(), threads, threads);
        return new TrainingPlan(settings, trainImages, options.recipe().epochs(), staging[0], staging[1]);
    }

    /**
     * On a cluster every core of the application is a worker. On a local master one worker owns all the cores
     * and splits each minibatch over one single-core replica per core ({@link ReplicaFit}): one exact Adam step on
     * the whole minibatch, as PyTorch takes, and faster than workers averaging inside one JVM (495 against 407
     * images/s on local[2], BENCHMARKS.md), whose averaged Adam steps are also smaller.
     */
    static int defaultWorkers(Environment env) {
        return env.localMaster() ? 1 : Math.max(1, env.defaultParallelism());
    }

    /**
     * Staging is the cheap path: DL4J gets every averaging round as exactly one partition of file paths per worker
     * and nothing is shuffled. It needs a directory every worker can read: the driver's disk on a local master,
     * the run directory when it is on a shared filesystem, a {@code --staging} directory the user vouches for, or
     * the default filesystem when that is a shared one. Without any of these, minibatches travel through Spark.
     */
    static String[] staging(Environment env, String runId) {
        String runStaging = env.runDirectory() + "/staging";
        if (env.stagingOption() != null) {
            return new String[]{trim(env.stagingOption()) + "/" + runId,
                    "staging minibatches in " + org.emnistnet.Parameter.STAGING + " " + env.stagingOption() + " (asserted readable by every executor)"};
        }
        if (env.localMaster()) {
            return env.runIsLocal() ? new String[]{runStaging, "local master: staging minibatches in the run directory"}
                    : new String[]{localTemporary(runId), "local master: staging minibatches on the driver's disk"};
        }
        if (!env.runIsLocal()) {
            return new String[]{runStaging, "cluster: staging minibatches in the run directory on a shared filesystem"};
        }
        if (env.defaultFsShared()) {
            return new String[]{"/tmp/emnistnet-staging/" + runId,
                    "cluster: staging minibatches on the shared default filesystem"};
        }
        return new String[]{null, "cluster without a shared filesystem (the run directory is local, no " + org.emnistnet.Parameter.STAGING + "):"
                + " minibatches travel through Spark, one shuffle per epoch"};
    }

    private static String localTemporary(String runId) {
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "emnistnet-staging", runId).toUri().toString();
    }

    private static String trim(String path) {
        return path.replaceAll("(?<=.)/+$", "");
    }

    public int roundsPerEpoch() {
        return settings.roundsPerEpoch(trainImages);
    }

    public int iterationsPerEpoch() {
        return settings.iterationsPerEpoch(trainImages);
    }

    public int totalSteps() {
        return epochs * iterationsPerEpoch();
    }
}
