package org.emnistnet.train;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.emnistnet.model.TrainingRecipe;

/**
 * What a training run was asked to do; saved as {@code RUN/run.json} so that {@code --resume} continues with
 * exactly the same settings.
 *
 * @param workers            parallel workers; 0 = Spark's default parallelism
 * @param batchPerWorker     minibatch per worker; 0 = the recipe's batch divided by the workers
 * @param averagingFrequency minibatches per worker between parameter averagings; 0 = {@link #defaultAveragingFrequency}
 * @param trainLimit         train on at most this many images (0 = all), for quick looks and tests; validation
 *                           and test splits are then limited to a quarter of it
 */
public record TrainingOptions(@JsonProperty("recipe") TrainingRecipe recipe,
                              @JsonProperty("workers") int workers,
                              @JsonProperty("batch_per_worker") @JsonAlias("batchPerWorker") int batchPerWorker,
                              @JsonProperty("averaging_frequency") @JsonAlias("averagingFrequency") int averagingFrequency,
                              @JsonProperty("train_limit") @JsonAlias("trainLimit") long trainLimit) {

    /**
     * Averaging every minibatch on a local master: in one JVM a round costs little, and it trains as accurately as
     * one worker (Fashion-MNIST: 92.32 % with 2 workers, the same as 1 worker; every 5 minibatches: 91.48 %).
     * Every 5 minibatches on a cluster, where each round is a Spark job plus a broadcast and collection of the
     * parameters and Adam state (~1.2-1.6 s per round on the 127.0.0.1 standalone cluster).
     */
    public static int defaultAveragingFrequency(boolean localMaster) {
        return localMaster ? 1 : 5;
    }

    /**
     * A single worker has nothing to average with: a round is only the overhead of a Spark job and a broadcast,
     * and its length changes no step (the one-cycle schedule counts minibatches). Weight averaging
     * ({@code --ema-decay}) is updated once per round, so its decay then applies per {@value #SINGLE_WORKER_ROUND}
     * minibatches.
     */
    public static int defaultAveragingFrequency(boolean localMaster, int workers) {
        return workers == 1 ? SINGLE_WORKER_ROUND : defaultAveragingFrequency(localMaster);
    }

    /** Minibatches per round of a single worker: a round per ~2 s of fitting keeps the Spark job per round under 3 %. */
    public static final int SINGLE_WORKER_ROUND = 10;
}
