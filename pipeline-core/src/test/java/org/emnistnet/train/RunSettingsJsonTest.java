package org.emnistnet.train;

import org.emnistnet.artifact.Json;
import org.emnistnet.model.TrainingRecipe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** run.json: the recipe in the one form model.json uses; runs written by earlier versions still resume. */
class RunSettingsJsonTest {
    @Test
    void runSettingsAreWrittenInSnakeCaseAndReadBackEqual() throws Exception {
        TrainingOptions options = new TrainingOptions(TrainingRecipe.reference().withEmaDecay(0.99), 2, 128, 5, 3000);
        String json = Json.write(options);
        assertThat(json).contains("\"batch_per_worker\" : 128").contains("\"max_learning_rate\" : 0.003")
                .contains("\"ema_decay\" : 0.99").doesNotContain("batchPerWorker").doesNotContain("maxLearningRate");
        assertEquals(options, Json.MAPPER.readValue(json, TrainingOptions.class));
    }

    @Test
    void theCamelCaseRunJsonOfEarlierVersionsReadsAsTheSameSettings() throws Exception {
        // written by the version that trained the committed model
        TrainingOptions earlier = Json.MAPPER.readValue(Files.readString(Path.of("../models/fashion-mnist/run.json")),
                TrainingOptions.class);
        assertEquals(new TrainingOptions(TrainingRecipe.reference().withSeed(2), 1, 256, 10, 0), earlier);
    }
}
