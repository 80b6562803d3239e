package org.emnistnet.score;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScoringProgressTest {
    @Test
    void aLineSaysHowManyOfHowManyAtWhatRateAndHowLongIsLeft() {
        assertEquals("scored 35,000 of 100,000 inputs (35 %), 2,917 inputs/s, about 22 s left",
                ScoringProgress.line(35_000, 100_000, 12));
    }

    @Test
    void beforeAnyTaskHasFinishedThereIsNoRateAndNoEstimate() {
        assertEquals("scored 0 of 5,000 inputs (0 %), 0 inputs/s", ScoringProgress.line(0, 5_000, 3));
    }
}
