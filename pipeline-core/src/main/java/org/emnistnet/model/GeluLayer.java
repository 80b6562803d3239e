package org.emnistnet.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELUDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer behind {@link GeluActivationLayer}: {@code out = gelu(in)} and {@code dIn = gelu'(in) * dOut}, each
 * written by ND4J's ops into a new workspace array. Dropout on the layer, a mask, or another activation goes to
 * DL4J's code.
 */
final class GeluLayer extends ActivationLayer {

    GeluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean handles() {
        return layerConf().getActivationFn() instanceof ActivationGELU gelu && !gelu.isPrecise()
                && layerConf().getIDropout() == null && maskArray == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!handles()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), input.ordering());
        Nd4j.exec(new GELU(input, out));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!handles()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray gradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), input.ordering());
        Nd4j.exec(new GELUDerivative(input, gradient));
        gradient.muli(epsilon);
        return new Pair<>(new DefaultGradient(), gradient);
    }
}
