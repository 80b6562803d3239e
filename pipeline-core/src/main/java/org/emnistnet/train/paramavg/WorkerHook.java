package org.emnistnet.train.paramavg;

import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.runtime.ComputeThreads;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs on the workers around every minibatch: seeds ND4J's random stream (dropout masks) from the run's seed,
 * the iteration and the minibatch itself, so that training is repeatable; limits the worker's thread to its
 * share of the cores; and adds each minibatch's loss, size and fit time (DL4J calls the hook right before and after
 * {@code fit(minibatch)}) to accumulators the driver reads after the epoch. The loss is the data loss alone
 * ({@link #dataLoss}), as PyTorch reports it.
 */
final class WorkerHook implements TrainingHook {
    private final long seed;
    private final int threadsPerWorker;
    private final DoubleAccumulator lossSum;
    private final LongAccumulator steps;
    private final LongAccumulator images;
    private final LongAccumulator fitNanos;
    private transient ThreadLocal<Long> fitStart;

    WorkerHook(long seed, int threadsPerWorker, DoubleAccumulator lossSum, LongAccumulator steps, LongAccumulator images,
               LongAccumulator fitNanos) {
        this.seed = seed;
        this.threadsPerWorker = threadsPerWorker;
        this.lossSum = lossSum;
        this.steps = steps;
        this.images = images;
        this.fitNanos = fitNanos;
    }

    private ThreadLocal<Long> fitStart() {
        if (fitStart == null) {
            fitStart = new ThreadLocal<>();
        }
        return fitStart;
    }

    @Override
    public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
        ComputeBackend.configure();
        org.emnistnet.runtime.GpuPinning.pinToAssignedGpu();
        long iteration = model instanceof MultiLayerNetwork net ? net.getIterationCount() : 0;
        double fingerprint = minibatch.getFeatures().getDouble(minibatch.getFeatures().length() / 2)
                + 31 * minibatch.getLabels().argMax(1).sumNumber().doubleValue();
        Nd4j.getRandom().setSeed(seed * 6_364_136_223_846_793_005L + iteration * 1_442_695_040_888_963_407L
                + Double.doubleToLongBits(fingerprint));
        if (threadsPerWorker > 0) {
            ComputeThreads.limitCurrentThread(threadsPerWorker);
        }
        fitStart().set(System.nanoTime());
    }

    @Override
    public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
        Long start = fitStart().get();
        if (start != null) {
            fitNanos.add(System.nanoTime() - start);
        }
        ComputeThreads.releaseCurrentThread(); // the task thread goes back to Spark's pool
        lossSum.add(dataLoss(model));
        steps.add(1);
        images.add(minibatch.numExamples());
    }

    /**
     * The minibatch's loss without the weight-decay penalty: DL4J's score adds {@code 0.5 * decay * sum(w^2)} over the
     * decayed weights, which PyTorch's AdamW never adds to its loss (0.047 of the 0.727 a trained EMNISTNet reported).
     * The penalty is taken at the weights after the step, one learning-rate step from those scored (a shift of the order of 1e-5).
     */
    static double dataLoss(Model model) {
        double penalty = model instanceof MultiLayerNetwork network ? network.calcRegularizationScore(true) : 0;
        return model.score() - penalty;
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
