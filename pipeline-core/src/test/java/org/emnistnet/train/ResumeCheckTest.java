package org.emnistnet.train;

import org.emnistnet.Parameter;

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
        assertThat(ResumeCheck.conflicts(saved, asked, Set.of(Parameter.EPOCHS, Parameter.SEED, Parameter.WORKERS, Parameter.TRAIN_LIMIT)))
                .containsExactly("`epochs` 5 was given, the run has 3", "`seed` 7 was given, the run has 42",
                        "`workers` 4 was given, the run has 2");
    }

    @Test
    void weightAveragingCannotBeSwitchedOnHalfWayThroughARun() {
        TrainingOptions asked = new TrainingOptions(REFERENCE.withEpochs(3).withEmaDecay(0.999), 2, 128, 1, 500);
        assertThat(ResumeCheck.conflicts(saved, asked, Set.of(Parameter.EMA_DECAY)))
                .containsExactly("`emaDecay` 0.999 was given, the run has 0.0");
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
                Set.of(Parameter.EPOCHS, Parameter.WORKERS, Parameter.BATCH_PER_WORKER, Parameter.AVERAGING_FREQUENCY, Parameter.TRAIN_LIMIT))).isEmpty();
    }
}
