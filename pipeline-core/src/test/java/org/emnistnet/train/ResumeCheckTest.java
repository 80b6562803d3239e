package org.emnistnet.train;

import org.emnistnet.model.TrainingRecipe;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What --resume does with options that contradict the run's run.json. */
class ResumeCheckTest {
    private static final TrainingRecipe REFERENCE = TrainingRecipe.reference();
    private final TrainingOptions saved = new TrainingOptions(REFERENCE.withEpochs(3), 2, 128, 1, 500);

    @Test
    void eachGivenOptionThatDiffersIsNamedWithBothValues() {
        TrainingOptions asked = new TrainingOptions(REFERENCE.withEpochs(5).withSeed(7), 4, 0, 1, 500);
        assertThat(ResumeCheck.conflicts(saved, asked, Set.of("--epochs", "--seed", "--workers", "--limit")))
                .containsExactly("--epochs 5 was given, the run has 3", "--seed 7 was given, the run has 42",
                        "--workers 4 was given, the run has 2");
    }

    @Test
    void weightAveragingCannotBeSwitchedOnHalfWayThroughARun() {
        TrainingOptions asked = new TrainingOptions(REFERENCE.withEpochs(3).withEmaDecay(0.999), 2, 128, 1, 500);
        assertThat(ResumeCheck.conflicts(saved, asked, Set.of("--ema-decay")))
                .containsExactly("--ema-decay 0.999 was given, the run has 0.0");
    }

    @Test
    void optionsLeftAtTheirDefaultsAreNotConflicts() {
        TrainingOptions defaults = new TrainingOptions(REFERENCE, 0, 0, 0, 0);
        assertThat(ResumeCheck.conflicts(saved, defaults, Set.of())).isEmpty();
    }

    @Test
    void givingTheRunsOwnValuesOrAutomaticIsFine() {
        TrainingOptions same = new TrainingOptions(REFERENCE.withEpochs(3), 0, 128, 0, 500);
        assertThat(ResumeCheck.conflicts(saved, same,
                Set.of("--epochs", "--workers", "--batch-per-worker", "--averaging-frequency", "--limit"))).isEmpty();
    }
}
