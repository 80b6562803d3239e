package org.emnistnet.artifact;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What "the same training run" means for two histories, e.g. a resumed run and an uninterrupted one. */
public final class SameRun {
    private SameRun() {
    }

    /**
     * Epoch by epoch: the same schedule exactly (learning rate, iterations), the same losses and validation accuracy up
     * to the order in which floats were summed (a resumed run reloads its network and updater from a checkpoint).
     */
    public static void assertSameHistory(List<EpochRecord> expected, List<EpochRecord> actual) {
        assertEquals(expected.size(), actual.size(), "epochs");
        for (int i = 0; i < expected.size(); i++) {
            EpochRecord a = expected.get(i);
            EpochRecord b = actual.get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 2e-3, "train loss of epoch " + (i + 1));
            assertEquals(a.valLoss(), b.valLoss(), 2e-3, "val loss of epoch " + (i + 1));
            assertEquals(a.valAccuracy(), b.valAccuracy(), 0.005, "val accuracy of epoch " + (i + 1));
            assertEquals(a.learningRate(), b.learningRate(), 1e-12, "learning rate of epoch " + (i + 1));
            assertEquals(a.iterations(), b.iterations(), "iterations of epoch " + (i + 1));
        }
    }
}
