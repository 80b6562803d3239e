package org.emnistnet.train.paramavg;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The moving average of the weights: a warm-up that forgets the start quickly, then the decay it was given. */
class WeightAverageTest {
    @Test
    void blendsEachRoundsParametersWithTheWarmedUpDecay() {
        WeightAverage average = new WeightAverage(0.99, Nd4j.createFromArray(0f, 0f), 0);
        average.update(Nd4j.createFromArray(10f, 20f)); // n = 1: decay min(0.99, 2/11)
        double d1 = 2.0 / 11;
        assertEquals(10 * (1 - d1), paramsOf(average)[0], 1e-5);
        assertEquals(20 * (1 - d1), paramsOf(average)[1], 1e-4);
        for (int i = 0; i < 5000; i++) {
            average.update(Nd4j.createFromArray(1f, 2f));
        }
        assertEquals(1, paramsOf(average)[0], 1e-4, "converges to a constant input");
        assertEquals(5001, average.updates());
    }

    @Test
    void resumedAfterManyUpdatesItUsesTheFullDecayAtOnce() {
        WeightAverage average = new WeightAverage(0.9, Nd4j.createFromArray(1f), 1000);
        average.update(Nd4j.createFromArray(2f));
        assertEquals(0.9 * 1 + 0.1 * 2, paramsOf(average)[0], 1e-6);
    }

    @Test
    void theStartIsCopiedNotShared() {
        var start = Nd4j.createFromArray(1f);
        WeightAverage average = new WeightAverage(0.5, start, 1000);
        average.update(Nd4j.createFromArray(3f));
        assertEquals(1f, start.getFloat(0));
    }

    private static float[] paramsOf(WeightAverage average) {
        return average.current().toFloatVector();
    }
}
