package org.emnistnet.model;

import org.emnistnet.EmnistNetException;
import org.emnistnet.TinyModel;
import org.emnistnet.artifact.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How a served model learns to read image files: from its model card, never by guessing. */
class TrainedModelTest {
    @TempDir
    Path tmp;

    private TrainedModel savedWith(String dataset, String recipe) throws Exception {
        Path zip = TinyModel.save(TinyModel.network(), tmp.resolve(dataset + "-" + recipe));
        @SuppressWarnings("unchecked")
        Map<String, Object> card = new LinkedHashMap<>(Json.MAPPER.readValue(zip.resolveSibling("model.json").toFile(), Map.class));
        card.put("dataset", dataset);
        if (recipe != null) {
            card.put("image_file_recipe", recipe);
        }
        Files.writeString(zip.resolveSibling("model.json"), Json.MAPPER.writeValueAsString(card));
        return TrainedModel.load(zip.toString());
    }

    @Test
    void aModelOfACustomDatasetUsesTheRecipeItsCardRecords() throws Exception {
        assertEquals("emnist", savedWith("my-letters", "emnist").imageFileRecipe());
    }

    @Test
    void anOlderModelOfAKnownDatasetUsesThatDatasetsRecipe() throws Exception {
        assertEquals("emnist", savedWith("emnist-letters", null).imageFileRecipe());
        assertEquals("whole-image", savedWith("fashion-mnist", null).imageFileRecipe());
    }

    @Test
    void aModelOfAnUnknownDatasetWithoutARecipeIsRefusedInsteadOfGuessed() throws Exception {
        EmnistNetException error = assertThrows(EmnistNetException.class, () -> savedWith("my-letters", null).imageFileRecipe());
        assertThat(error.getMessage()).contains("'my-letters'").contains("no image_file_recipe");
    }
}
