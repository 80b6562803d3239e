package org.emnistnet.train.paramavg;

import org.emnistnet.train.paramavg.ReplicaFit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.emnistnet.runtime.ComputeBackend;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Collection;
import java.util.List;

/**
 * DL4J's parameter-averaging worker, except that each minibatch is fitted by {@link ReplicaFit}: split over
 * {@code replicas} single-core threads of the worker's task, one exact optimiser step on the whole minibatch.
 * Everything else (the initial model from the broadcast, the round's result with the Adam state) is DL4J's own
 * worker's, which this class wraps because DL4J's keeps its hooks and fields private. DL4J's per-phase training
 * statistics ({@code -Demnistnet.trainingStats}) then lack the workers' fit times; the hooks still record them.
 * On a CUDA backend a worker owns one GPU and fits the whole minibatch on it, so replicas are not used there.
 */
final class ReplicaTrainingWorker extends ParameterAveragingTrainingWorker {
    private final ParameterAveragingTrainingWorker dl4j;
    private final List<TrainingHook> hooks;
    private final int replicas;
    private final long seed;
    private transient ReplicaFit fit;
    private transient MultiLayerNetwork fitted;

    ReplicaTrainingWorker(ParameterAveragingTrainingWorker dl4j, Collection<TrainingHook> hooks, int replicas, long seed) {
        super(null, true, null, null, null, null);
        this.dl4j = dl4j;
        this.hooks = hooks == null ? List.of() : List.copyOf(hooks);
        this.replicas = replicas;
        this.seed = seed;
    }

    @Override
    public ParameterAveragingTrainingResult processMinibatch(DataSet minibatch, MultiLayerNetwork network, boolean isLast) {
        if (ComputeBackend.isCuda()) {
            return dl4j.processMinibatch(minibatch, network, isLast);
        }
        try {
            hooks.forEach(hook -> hook.preUpdate(minibatch, network));
            replicasOf(network).fit(minibatch);
            hooks.forEach(hook -> hook.postUpdate(minibatch, network));
        } catch (RuntimeException | Error e) {
            closeReplicas();
            throw e;
        }
        if (!isLast) {
            return null;
        }
        closeReplicas(); // the round's last minibatch: its task ends here
        return dl4j.getFinalResult(network);
    }

    /**
     * The replicas of this task's network (DL4J builds a new network from the broadcast for every task), borrowed
     * from the JVM's idle ones and given back when the task's last minibatch is done.
     */
    private ReplicaFit replicasOf(MultiLayerNetwork network) {
        if (fitted != network) {
            closeReplicas();
            fit = ReplicaFit.borrow(network, replicas, seed);
            fitted = network;
        }
        return fit;
    }

    private void closeReplicas() {
        if (fit != null) {
            fit.giveBack();
        }
        fit = null;
        fitted = null;
    }

    @Override
    public MultiLayerNetwork getInitialModel() {
        return dl4j.getInitialModel();
    }

    @Override
    public ComputationGraph getInitialModelGraph() {
        return dl4j.getInitialModelGraph();
    }

    @Override
    public ParameterAveragingTrainingResult processMinibatch(DataSet minibatch, ComputationGraph graph, boolean isLast) {
        return dl4j.processMinibatch(minibatch, graph, isLast);
    }

    @Override
    public ParameterAveragingTrainingResult processMinibatch(MultiDataSet minibatch, ComputationGraph graph, boolean isLast) {
        return dl4j.processMinibatch(minibatch, graph, isLast);
    }

    @Override
    public ParameterAveragingTrainingResult getFinalResult(MultiLayerNetwork network) {
        closeReplicas();
        return dl4j.getFinalResult(network);
    }

    @Override
    public ParameterAveragingTrainingResult getFinalResult(ComputationGraph graph) {
        return dl4j.getFinalResult(graph);
    }

    @Override
    public ParameterAveragingTrainingResult getFinalResultNoData() {
        return dl4j.getFinalResultNoData();
    }

    @Override
    public WorkerConfiguration getDataConfiguration() {
        return dl4j.getDataConfiguration();
    }

    @Override
    public void addHook(TrainingHook hook) {
        throw new UnsupportedOperationException("the replica worker's hooks are fixed when the master creates it");
    }

    @Override
    public void removeHook(TrainingHook hook) {
        throw new UnsupportedOperationException("the replica worker's hooks are fixed when the master creates it");
    }
}
