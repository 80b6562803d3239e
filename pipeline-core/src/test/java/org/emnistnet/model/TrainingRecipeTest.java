package org.emnistnet.model;

import org.emnistnet.EmnistNetException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrainingRecipeTest {
    @Test
    void twoRecipesWithTheSameSettingsAreEqualDropoutIncluded() {
        TrainingRecipe a = TrainingRecipe.builder().dropout(0.1, 0.2, 0.3, 0.4).build();
        assertEquals(TrainingRecipe.reference(), a);
        assertEquals(TrainingRecipe.reference().hashCode(), a.hashCode());
        assertNotEquals(TrainingRecipe.reference(), TrainingRecipe.builder().dropout(0.1, 0.2, 0.3, 0.5).build());
        assertThat(a.toString()).contains("dropout=[0.1, 0.2, 0.3, 0.4]");
    }

    @Test
    void theBuilderChangesOnlyWhatItIsToldAndBuildValidatesTheWhole() {
        TrainingRecipe short1 = TrainingRecipe.builder().epochs(3).seed(7).build();
        assertEquals(3, short1.epochs());
        assertEquals(7, short1.seed());
        assertEquals(TrainingRecipe.reference().batchSize(), short1.batchSize());
        EmnistNetException error = assertThrows(EmnistNetException.class, () -> TrainingRecipe.builder().labelSmoothing(1.5).build());
        assertEquals("training recipe: labelSmoothing = 1.5, expected in [0, 1)", error.getMessage());
    }
}
