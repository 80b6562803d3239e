package org.emnistnet.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Adam's steps with beta1 taken from the one-cycle schedule at every iteration, as PyTorch's AdamW + OneCycleLR. */
class OneCycleAdamTest {
    private final OneCycleSchedule schedule = new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4);

    @Test
    void eachStepUsesThatIterationsLearningRateAndBeta1() {
        double[] gradients = {0.5, -0.25};
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 2 * gradients.length);
        GradientUpdater<?> updater = new OneCycleAdam(schedule).instantiate(state, true);
        double[] m = new double[gradients.length];
        double[] v = new double[gradients.length];
        for (int iteration = 27; iteration <= 31; iteration++) { // across the peak, where beta1 turns
            double[] g = {gradients[0] * iteration, gradients[1]};
            INDArray update = Nd4j.createFromArray(g).reshape(1, g.length);
            updater.applyUpdater(update, iteration, 0);

            double beta1 = schedule.momentumAt(iteration);
            double beta2 = 0.999;
            double stepSize = schedule.valueAt(iteration, 0) * Math.sqrt(1 - Math.pow(beta2, iteration + 1))
                    / (1 - Math.pow(beta1, iteration + 1));
            for (int i = 0; i < g.length; i++) {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                assertEquals(stepSize * m[i] / (Math.sqrt(v[i]) + 1e-8), update.getDouble(0, i), 1e-12,
                        "iteration " + iteration + ", parameter " + i);
            }
        }
    }

    @Test
    void survivesDl4jJsonSerialisationAndCloning() throws Exception {
        OneCycleAdam adam = new OneCycleAdam(schedule);
        ObjectMapper json = new ObjectMapper();
        IUpdater copy = json.readValue(json.writeValueAsString(adam), IUpdater.class);
        assertInstanceOf(OneCycleAdam.class, copy);
        assertEquals(adam, copy);
        assertEquals(schedule, ((OneCycleAdam) copy).getLearningRateSchedule());
        assertEquals(adam, adam.clone());
    }
}
