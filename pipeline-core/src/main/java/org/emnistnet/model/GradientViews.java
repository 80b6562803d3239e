package org.emnistnet.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Writing a layer's gradient into DL4J's gradient views (slices of the network's flattened gradient). */
final class GradientViews {
    private GradientViews() {
    }

    /** Copies {@code values} (c order) into {@code view} and returns the view. */
    static INDArray fill(INDArray view, float[] values) {
        view.assign(Nd4j.createFromArray(values).reshape('c', view.shape()).castTo(view.dataType()));
        return view;
    }
}
