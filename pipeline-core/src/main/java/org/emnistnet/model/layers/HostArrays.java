package org.emnistnet.model.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/** What EMNISTNet's Java layer kernels need from ND4J arrays in host memory. */
final class HostArrays {
    private HostArrays() {
    }

    /** The array itself when it is c-ordered with default strides (what the kernels index), else a c-ordered copy. */
    static INDArray contiguous(INDArray array) {
        return isContiguous(array) ? array : array.dup('c');
    }

    /** Whether {@code array} is c-ordered with default strides: element {@code i} in c order at {@code offset + i}. */
    static boolean isContiguous(INDArray array) {
        return array.ordering() == 'c' && Shape.hasDefaultStridesForShape(array);
    }

    /** Copies {@code values} (c order) into a gradient view (a slice of the network's flattened gradient). */
    static INDArray fill(INDArray view, float[] values) {
        view.assign(Nd4j.createFromArray(values).reshape('c', view.shape()).castTo(view.dataType()));
        return view;
    }
}
