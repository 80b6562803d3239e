package org.emnistnet.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Metrics against numbers worked out by hand for a 3-class example. */
class MetricsTest {
    //            predicted: a  b  c
    private final long[][] confusion = {
            {5, 1, 0},   // true a: 6
            {2, 3, 1},   // true b: 6
            {0, 0, 4}};  // true c: 4
    private final Metrics metrics = new Metrics(List.of("a", "b", "c"), confusion, 15, 2);

    @Test
    void accuracyIsTheDiagonalOverTheTotal() {
        assertEquals(16, metrics.total());
        assertEquals(12.0 / 16, metrics.accuracy(), 1e-12);
        assertEquals(15.0 / 16, metrics.topKAccuracy(), 1e-12);
    }

    @Test
    void perClassPrecisionRecallAndF1() {
        assertEquals(5.0 / 7, metrics.precision(0), 1e-12);   // column a: 5 + 2
        assertEquals(5.0 / 6, metrics.recall(0), 1e-12);
        assertEquals(2 * (5.0 / 7) * (5.0 / 6) / (5.0 / 7 + 5.0 / 6), metrics.f1(0), 1e-12);
        assertEquals(3.0 / 4, metrics.precision(1), 1e-12);   // column b: 1 + 3
        assertEquals(3.0 / 6, metrics.recall(1), 1e-12);
        assertEquals(4.0 / 5, metrics.precision(2), 1e-12);   // column c: 1 + 4
        assertEquals(1.0, metrics.recall(2), 1e-12);
        assertEquals(6, metrics.support(1));
    }

    @Test
    void macroAveragesWeighEveryClassEqually() {
        assertEquals((5.0 / 7 + 3.0 / 4 + 4.0 / 5) / 3, metrics.macroPrecision(), 1e-12);
        assertEquals((5.0 / 6 + 0.5 + 1.0) / 3, metrics.macroRecall(), 1e-12);
    }

    @Test
    void mostConfusedPairsComeLargestFirst() {
        assertEquals(List.of(new Metrics.ConfusedPair("b", "a", 2), new Metrics.ConfusedPair("a", "b", 1),
                new Metrics.ConfusedPair("b", "c", 1)), metrics.mostConfused(5));
    }

    @Test
    void aClassNeverPredictedHasZeroPrecisionNotNaN() {
        Metrics never = new Metrics(List.of("x", "y"), new long[][]{{3, 0}, {2, 0}}, 5, 2);
        assertEquals(0.0, never.precision(1));
        assertEquals(0.0, never.f1(1));
    }
}
