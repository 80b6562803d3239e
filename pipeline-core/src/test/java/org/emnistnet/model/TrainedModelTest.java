package org.emnistnet.model;

import org.emnistnet.EmnistNetException;
import org.emnistnet.TinyModel;
import org.emnistnet.artifact.ImageFileRecipe;
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
    void aModelFileWithItsCardInsideServesAloneAndRefusesAnythingButTextInThatEntry() throws Exception {
        Path zip = TinyModel.save(TinyModel.network(), tmp.resolve("beside"));
        String card = Files.readString(zip.resolveSibling("model.json"));
        Path alone = Files.createDirectories(tmp.resolve("alone")).resolve("model.zip");
        Files.write(alone, ModelZip.withCard(Files.readAllBytes(zip), card));
        TrainedModel loaded = TrainedModel.load(alone.toString());
        assertEquals(TinyModel.FASHION, loaded.classNames());
        assertEquals(ImageFileRecipe.WHOLE_IMAGE, loaded.imageFileRecipe());

        Path hostile = Files.createDirectories(tmp.resolve("hostile")).resolve("model.zip");
        Files.copy(zip, hostile);
        org.deeplearning4j.util.ModelSerializer.addObjectToFile(hostile.toFile(), ModelZip.CARD_KEY, new java.util.ArrayList<>(java.util.List.of(1)));
        EmnistNetException error = assertThrows(EmnistNetException.class, () -> TrainedModel.load(hostile.toString()));
        assertThat(error.getMessage()).contains(hostile.toString()).contains("objects/emnistnet-model-card is not a model card");

        Path bare = Files.createDirectories(tmp.resolve("bare")).resolve("model.zip");
        Files.copy(zip, bare);
        error = assertThrows(EmnistNetException.class, () -> TrainedModel.load(bare.toString()));
        assertThat(error.getMessage()).contains("no model.json beside it and no model card inside it");
    }

    @Test
    void aModelOfACustomDatasetUsesTheRecipeItsCardRecords() throws Exception {
        assertEquals(ImageFileRecipe.EMNIST, savedWith("my-letters", "emnist").imageFileRecipe());
    }

    @Test
    void anOlderModelOfAKnownDatasetUsesThatDatasetsRecipe() throws Exception {
        assertEquals(ImageFileRecipe.EMNIST, savedWith("emnist-letters", null).imageFileRecipe());
        assertEquals(ImageFileRecipe.WHOLE_IMAGE, savedWith("fashion-mnist", null).imageFileRecipe());
    }

    @Test
    void aModelOfAnUnknownDatasetWithoutARecipeIsRefusedInsteadOfGuessed() throws Exception {
        EmnistNetException error = assertThrows(EmnistNetException.class, () -> savedWith("my-letters", null).imageFileRecipe());
        assertThat(error.getMessage()).contains("'my-letters'").contains("no image_file_recipe");
    }
}
