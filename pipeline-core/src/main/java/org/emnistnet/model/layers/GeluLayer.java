package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeBackend;

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
 * written into a new workspace array, by {@link GeluKernels} for float data (ND4J's ops otherwise). Dropout on the
 * layer, a mask, or another activation goes to DL4J's code.
 */
final class GeluLayer extends ActivationLayer {

    GeluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean handles() {
        return layerConf().getActivationFn() instanceof ActivationGELU gelu && !gelu.isPrecise()
                && layerConf().getIDropout() == null && maskArray == null;
    }

    private static boolean javaKernels(INDArray array) {
        return ComputeBackend.hostMemory() && array.dataType() == DataType.FLOAT && array.length() < Integer.MAX_VALUE;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!handles()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        if (!javaKernels(input)) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), input.ordering());
            Nd4j.exec(new GELU(input, out));
            return out;
        }
        INDArray in = HostArrays.contiguous(input);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(), in.shape(), 'c');
        GeluKernels.forward(in.data().asNioFloat(), (int) in.offset(), out.data().asNioFloat(), (int) out.offset(), (int) in.length());
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!handles()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        if (!javaKernels(input) || epsilon.dataType() != input.dataType()) {
            INDArray gradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), input.ordering());
            Nd4j.exec(new GELUDerivative(input, gradient));
            gradient.muli(epsilon);
            return new Pair<>(new DefaultGradient(), gradient);
        }
        INDArray in = HostArrays.contiguous(input);
        INDArray dOut = HostArrays.contiguous(epsilon);
        INDArray gradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, in.dataType(), in.shape(), 'c');
        GeluKernels.backward(in.data().asNioFloat(), (int) in.offset(), dOut.data().asNioFloat(), (int) dOut.offset(),
                gradient.data().asNioFloat(), (int) gradient.offset(), (int) in.length());
        return new Pair<>(new DefaultGradient(), gradient);
    }
}
