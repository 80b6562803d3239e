package org.emnistnet.model;

import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.ImageFileRecipe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** model.json in one typed form, versioned: older cards migrate, newer and malformed ones are refused by name. */
class ModelCardTest {
    /** The card models/fashion-mnist carried before schema_version existed (seed written twice). */
    private static byte[] version1() throws IOException {
        try (InputStream in = ModelCardTest.class.getResourceAsStream("model-card-v1.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aVersion1CardIsReadThroughItsMigration() throws IOException {
        ModelCard card = ModelCard.read("model.json", version1());
        assertEquals(ModelCard.SCHEMA_VERSION, card.schemaVersion());
        assertEquals(2, card.recipe().seed(), "the top-level seed of version 1 is the recipe's");
        assertEquals(TrainingRecipe.reference().withSeed(2), card.recipe(), "the reference recipe, its prose fields ignored");
        assertEquals(ImageFileRecipe.WHOLE_IMAGE, card.imageFileRecipe());
        assertEquals(1, card.training().workers());
        assertEquals(0.9258, card.testAccuracy(), 1e-12);
        assertEquals("17.0.15", card.versions().get("java"));
    }

    @Test
    void aCardWrittenByThisVersionReadsBackEqual() throws IOException {
        ModelCard card = ModelCard.read("model.json", version1());
        String written = card.toJson();
        assertThat(written).contains("\"schema_version\" : 2").contains("\"batch_size\" : 256")
                .as("one JSON form: snake_case, as run.json").doesNotContain("batchSize");
        assertEquals(card, ModelCard.read("again.json", written.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aCardOfANewerSchemaIsRefusedSayingWhichVersionsThisOneReads() {
        byte[] newer = "{\"schema_version\": 3, \"dataset\": \"d\", \"class_names\": [\"a\"]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelCard.read("runs/r/model.json", newer)).isInstanceOf(EmnistNetException.class)
                .hasMessageContaining("runs/r/model.json: a model card of schema_version 3; this version reads 1 to 2")
                .hasMessageContaining("serve it with the newer version that wrote it");
    }

    @Test
    void aMissingOrMistypedFieldIsNamedWithTheFile() {
        byte[] noClasses = "{\"schema_version\": 2, \"dataset\": \"d\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelCard.read("m/model.json", noClasses)).isInstanceOf(EmnistNetException.class)
                .hasMessageStartingWith("m/model.json: ").hasMessageContaining("class_names");
        byte[] wrongType = "{\"schema_version\": 2, \"dataset\": \"d\", \"class_names\": [\"a\"], \"best_epoch\": \"three\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelCard.read("m/model.json", wrongType)).isInstanceOf(EmnistNetException.class)
                .hasMessageContaining("best_epoch");
        byte[] unknown = "{\"schema_version\": 2, \"dataset\": \"d\", \"class_names\": [\"a\"], \"lables\": 3}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelCard.read("m/model.json", unknown)).isInstanceOf(EmnistNetException.class)
                .as("a field this schema does not have is a card of another kind, not ignored").hasMessageContaining("lables");
    }
}
