package org.emnistnet.artifact;

import org.emnistnet.InvalidDataException;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A stage's manifest is read typed: what is missing or of the wrong type is named with its file. */
class ManifestsTest {
    @TempDir
    java.nio.file.Path tmp;

    private InvalidDataException refused(String json) throws Exception {
        Files.writeString(tmp.resolve(Manifests.FILE_NAME), json);
        return assertThrows(InvalidDataException.class, () -> Manifests.readOfStage(new Path(tmp.toUri()), org.emnistnet.artifact.Stage.PREPARE));
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithItsFile() throws Exception {
        InvalidDataException error = refused("{\"stage\":\"prepare\",\"dataset\":\"d\",\"rows\":{\"train\":\"many\"},\"class_names\":[\"a\"]}");
        assertThat(error.getMessage()).contains(tmp.resolve(Manifests.FILE_NAME).toString()).contains("field rows.train");
    }

    @Test
    void anUnknownImageRecipeIsNamedWithTheOnesThereAre() throws Exception {
        InvalidDataException error = refused("{\"stage\":\"prepare\",\"dataset\":\"d\",\"rows\":{},\"class_names\":[\"a\"],"
                + "\"image_file_recipe\":\"stretch\"}");
        assertThat(error.getMessage()).contains("field image_file_recipe").contains("'stretch'").contains("[emnist, whole-image]");
    }

    @Test
    void aMissingFieldIsNamed() throws Exception {
        InvalidDataException error = refused("{\"stage\":\"prepare\",\"dataset\":\"d\",\"rows\":{}}");
        assertThat(error.getMessage()).contains("class_names");
    }

    @Test
    void anotherStagesOutputIsRefusedNamingBoth() throws Exception {
        InvalidDataException error = refused("{\"stage\":\"ingest\",\"dataset\":\"d\",\"rows\":{\"train\":3},\"class_names\":[\"a\"]}");
        assertThat(error.getMessage()).contains("is the output of 'ingest'").contains("expected the output of 'prepare'");
    }

    @Test
    void fieldsOfALaterVersionAreIgnoredAndThoseOfTheOtherStageLeftOut() throws Exception {
        Files.writeString(tmp.resolve(Manifests.FILE_NAME),
                "{\"stage\":\"prepare\",\"dataset\":\"d\",\"rows\":{\"train\":3},\"class_names\":[\"a\"],\"new_field\":1}");
        assertEquals(3L, Manifests.readOfStage(new Path(tmp.toUri()), org.emnistnet.artifact.Stage.PREPARE).rowsOf("train"));
        Manifests.write(new Path(tmp.resolve("out").toUri()), Manifests.read(new Path(tmp.toUri())));
        assertThat(Files.readString(tmp.resolve("out").resolve(Manifests.FILE_NAME))).doesNotContain("transposed").doesNotContain("null");
    }
}
