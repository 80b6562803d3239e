package org.emnistnet.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No job replaces its own input: an output that equals, contains or lies inside an input is a usage error (exit 2)
 * naming both paths, before any work, {@code --overwrite} or not, and the input is left as it was.
 */
class OverlappingOutputTest {
    @TempDir
    Path tmp;

    private static void assertRefused(JobOutput.Run run, Path in, String relation) {
        assertEquals(JobRunner.USAGE, run.code(), run.err());
        assertThat(run.err()).contains(relation + " the input " + in);
    }

    @Test
    void scoringAnImageFolderIntoItselfIsRefusedAndTheImagesStay() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(images.resolve("a.png"), "an image");
        JobOutput.Run run = JobOutput.capture(new ScoreJob(), "--model", "../models/fashion-mnist/model.zip",
                "--in", images.toString(), "--out", images.toString(), "--overwrite", "--master", "local[1]");
        assertRefused(run, images, "is");
        assertTrue(Files.isRegularFile(images.resolve("a.png")));
    }

    @Test
    void preparingIntoTheRawDataOrBelowItIsRefused() throws Exception {
        Path raw = Files.createDirectories(tmp.resolve("raw"));
        Files.writeString(raw.resolve("_manifest.json"), "{}");
        assertRefused(JobOutput.capture(new PrepareJob(), "--in", raw.toString(), "--out", raw.toString(),
                "--overwrite", "--master", "local[1]"), raw, "is");
        assertRefused(JobOutput.capture(new PrepareJob(), "--in", raw.toString(), "--out", raw.resolve("nested").toString(),
                "--master", "local[1]"), raw, "lies inside");
        assertRefused(JobOutput.capture(new PrepareJob(), "--in", raw.toString(), "--out", tmp.toString(),
                "--overwrite", "--master", "local[1]"), raw, "contains");
        assertTrue(Files.isRegularFile(raw.resolve("_manifest.json")));
    }

    @Test
    void aRunDirectoryInsideTheTrainingDataIsRefused() {
        Path prepared = tmp.resolve("prepared");
        assertRefused(JobOutput.capture(new TrainJob(), "--in", prepared.toString(), "--run", prepared.resolve("run").toString(),
                "--master", "local[1]"), prepared, "lies inside");
    }

    @Test
    void siblingsWithACommonPrefixAreNotNested() {
        // "raw2" is not inside "raw": the check compares path segments, not strings
        JobOutput.Run run = JobOutput.capture(new PrepareJob(), "--in", tmp.resolve("raw").toString(),
                "--out", tmp.resolve("raw2").toString(), "--master", "local[1]");
        assertEquals(JobRunner.FAILED, run.code(), "fails later, on the missing input, not as an overlap: " + run.err());
        assertThat(run.err()).doesNotContain("the input");
    }

    @Test
    void pipelineOverwriteRefusesARunFolderItDidNotWriteBeforeAnyWork() throws Exception {
        Path work = tmp.resolve("work");
        Path theirs = Files.createDirectories(work.resolve("run"));
        Files.writeString(theirs.resolve("notes.txt"), "not a training run");
        JobOutput.Run run = JobOutput.capture(new PipelineJob(), "--dataset", "fashion-mnist", "--work",
                work.toString(), "--epochs", "1", "--limit", "500", "--overwrite", "--master", "local[1]");
        assertEquals(JobRunner.USAGE, run.code(), run.out() + run.err());
        assertThat(run.err()).contains("is not a training run of emnistnet");
        assertThat(theirs.resolve("notes.txt")).hasContent("not a training run");
        assertFalse(Files.exists(work.resolve("raw")), "refused before ingest");
    }
}
