package org.emnistnet.train.paramavg;

import org.emnistnet.EmnistNetException;

import java.io.Serializable;

/**
 * How training is spread over Spark.
 *
 * @param workers            parallel workers (Spark tasks) per averaging round
 * @param batchPerWorker     minibatch size on each worker
 * @param averagingFrequency minibatches each worker fits between two parameter averagings
 * @param exportDirectory    where each epoch's minibatches are staged for the workers ({@link DataSetFiles}; a
 *                           path every executor can read), or null to ship them inside Spark's shuffle (DL4J's
 *                           "Direct" approach), as on a cluster whose default filesystem is local
 * @param seed               seed of data order, splits and dropout
 * @param threadsPerWorker   cores each worker's layer work may use ({@link org.emnistnet.runtime.ComputeThreads}),
 *                           or 0 for all of its JVM's
 * @param replicasPerWorker    single-core replicas each worker splits its minibatches over ({@link ReplicaFit}):
 *                           1 fits every minibatch with DL4J's own {@code fit}
 */
public record TrainerSettings(int workers, int batchPerWorker, int averagingFrequency, String exportDirectory,
                              long seed, int threadsPerWorker, int replicasPerWorker) implements Serializable {
    public TrainerSettings {
        if (workers < 1 || batchPerWorker < 1 || averagingFrequency < 1 || threadsPerWorker < 0 || replicasPerWorker < 1) {
            throw new EmnistNetException("trainer settings: workers (" + workers + "), batch per worker ("
                    + batchPerWorker + "), averaging frequency (" + averagingFrequency + ") and replicas per worker ("
                    + replicasPerWorker + ") must all be >= 1, threads per worker (" + threadsPerWorker + ") >= 0");
        }
    }

    /** Settings that fit every minibatch with DL4J's own {@code fit} (one replica per worker). */
    public TrainerSettings(int workers, int batchPerWorker, int averagingFrequency, String exportDirectory, long seed,
                           int threadsPerWorker) {
        this(workers, batchPerWorker, averagingFrequency, exportDirectory, seed, threadsPerWorker, 1);
    }

    /**
     * The cores each worker may use. On a local master the workers share the JVM's {@code cores} (local[N]'s N):
     * each gets {@code cores / workers}, at least 1. On a cluster each worker is a task, which Spark gives
     * {@code spark.task.cpus} cores ({@code taskCpus}) of its executor.
     */
    public static int threadsPerWorker(boolean localMaster, int cores, int workers, int taskCpus) {
        return localMaster ? Math.max(1, cores / Math.max(1, workers)) : Math.max(1, taskCpus);
    }

    /** {@link #threadsPerWorker(boolean, int, int, int)} for {@code workers} on this Spark context. */
    public static int threadsPerWorker(org.apache.spark.SparkContext spark, int workers) {
        return threadsPerWorker(spark.isLocal(), spark.defaultParallelism(), workers, spark.getConf().getInt("spark.task.cpus", 1));
    }

    /**
     * Averaging rounds per epoch: {@code floor(minibatches / (workers * averagingFrequency))}, at least 1.
     * Minibatches are counted as {@code ceil(images / batch)}, a lower bound (each partition may end in a partial
     * minibatch), so every round gets at least {@code workers * averagingFrequency} of them; the extra ones are
     * spread over the rounds and fitted too ({@link ExactRoundsTrainingMaster}).
     */
    public int roundsPerEpoch(long trainImages) {
        long minibatches = (trainImages + batchPerWorker - 1) / batchPerWorker;
        return (int) Math.max(1, minibatches / ((long) workers * averagingFrequency));
    }

    /**
     * The iteration count one epoch adds, the unit of the learning-rate schedule: dl4j-spark adds
     * {@code averagingFrequency} to the network's iteration count per averaging round.
     */
    public int iterationsPerEpoch(long trainImages) {
        return roundsPerEpoch(trainImages) * averagingFrequency;
    }
}
