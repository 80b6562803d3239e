package org.emnistnet.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

import java.util.Arrays;
import java.util.Map;

/**
 * Adam driven by a {@link OneCycleSchedule}: the learning rate <em>and</em> beta1 follow the schedule, as with
 * PyTorch's {@code OneCycleLR} on AdamW (its {@code cycle_momentum} is on by default: beta1 falls from 0.95 to 0.85
 * while the learning rate rises, then comes back). DL4J's {@link Adam} takes a schedule for the learning rate only.
 * The state (m, v) is Adam's, so parameter averaging averages it as before; bias correction uses the current
 * beta1, as PyTorch does. Serving configurations never hold this class ({@link EmnistNet#forServing}).
 */
public final class OneCycleAdam extends Adam {

    /** For DL4J's JSON reader, which sets the fields afterwards. */
    public OneCycleAdam() {
    }

    public OneCycleAdam(OneCycleSchedule schedule) {
        super(schedule);
    }

    private OneCycleSchedule schedule() {
        return (OneCycleSchedule) getLearningRateSchedule();
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater updater = new Updater(this);
        INDArray flat = viewArray.reshape(viewArray.length());
        long[] gradientShape = Arrays.copyOf(flat.shape(), 1);
        gradientShape[0] /= 2; // the view holds m and v
        updater.setStateViewArray(flat, gradientShape, flat.ordering(), initializeViewArray);
        return updater;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater updater = new Updater(this);
        updater.setState(state, initializeStateArrays);
        return updater;
    }

    @Override
    public OneCycleAdam clone() {
        OneCycleAdam copy = new OneCycleAdam((OneCycleSchedule) schedule().clone());
        copy.setBeta2(getBeta2());
        copy.setEpsilon(getEpsilon());
        return copy;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OneCycleAdam && super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + 1;
    }

    /** DL4J's Adam step with this iteration's beta1 in place of the constant one. */
    private static final class Updater extends AdamUpdater {
        Updater(OneCycleAdam config) {
            super(config);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (getM() == null || getV() == null) {
                throw new IllegalStateException("Updater has not been initialized with view state");
            }
            OneCycleAdam config = (OneCycleAdam) getConfig();
            double beta1 = config.schedule().momentumAt(iteration);
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater(gradient.reshape(getV().shape()), getV(),
                    getM(), config.getLearningRate(iteration, epoch), beta1, config.getBeta2(), config.getEpsilon(), iteration));
        }
    }
}
