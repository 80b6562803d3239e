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
    void aModelFileWithAnEntryThatInflatesToGigabytesIsRefusedNamingTheEntryBeforeAnythingInflatesIt() throws Exception {
        Path zip = TinyModel.save(TinyModel.network(), tmp.resolve("model"));
        String card = Files.readString(zip.resolveSibling("model.json"));
        Path bomb = Files.createDirectories(tmp.resolve("bomb")).resolve("model.zip");
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip));
             var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                if (entry.getName().equals("configuration.json")) { // 65 MiB of spaces: about 64 KB deflated
                    byte[] spaces = new byte[1 << 20];
                    java.util.Arrays.fill(spaces, (byte) ' ');
                    for (int i = 0; i < 65; i++) {
                        out.write(spaces);
                    }
                } else {
                    in.transferTo(out);
                }
            }
        }
        Files.write(bomb, ModelZip.withCard(Files.readAllBytes(bomb), card));
        assertThat(Files.size(bomb)).as("a small file").isLessThan(4 << 20);

        EmnistNetException error = assertThrows(EmnistNetException.class, () -> TrainedModel.load(bomb.toString()));
        assertThat(error.getMessage()).contains(bomb.toString()).contains("its entry configuration.json inflates to more than 64 MiB");
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
