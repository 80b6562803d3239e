package org.emnistnet.train;

import org.emnistnet.model.TrainingRecipe;

/**
 * What a training run was asked to do; saved as {@code RUN/run.json} so that {@code --resume} continues with
 * exactly the same settings.
 *
 * @param workers            parallel workers; 0 = Spark's default parallelism
 * @param batchPerWorker     minibatch per worker; 0 = the recipe's batch divided by the workers
 * @param averagingFrequency minibatches per worker between parameter averagings
 * @param trainLimit         train on at most this many images (0 = all), for quick looks and tests; validation
 *                           and test splits are then limited to a quarter of it
 */
public record TrainingOptions(TrainingRecipe recipe, int workers, int batchPerWorker, int averagingFrequency,
                              long trainLimit) {
}
