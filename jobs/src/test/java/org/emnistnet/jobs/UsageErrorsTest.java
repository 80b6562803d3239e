package org.emnistnet.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Out-of-range and misspelt options are usage errors: exit 2, one line naming the option, nothing written. */
class UsageErrorsTest {
    private static final String MODEL = "../models/fashion-mnist/model.zip";
    @TempDir
    Path tmp;

    private void assertUsageError(JobOutput.Run run, String message) {
        assertEquals(JobRunner.USAGE, run.code(), run.out() + run.err());
        assertThat(run.err()).contains(message);
    }

    /** {@code dir/prepared} holding only a prepare stage's manifest: splits test, train, val; classes a, b. */
    @Test
    void trainingOptionsOutOfRangeAreRefusedBeforeAnyWork() {
        String[][] cases = {{"--epochs", "0"}, {"--batch", "0"}, {"--workers", "-1"}, {"--averaging-frequency", "-2"},
                {"--limit", "-5"}, {"--max-lr", "0"}};
        for (String[] option : cases) {
            Path run = tmp.resolve("run" + option[0]);
            assertUsageError(JobOutput.capture(new TrainJob(), "--in", tmp.resolve("prepared").toString(), "--run",
                    run.toString(), option[0], option[1], "--master", "local[1]"), option[0]);
            assertFalse(Files.exists(run), "nothing written for " + option[0]);
        }
    }

    @Test
    void resumingWithOptionsThatContradictTheRunNamesEachAndWritesNothing() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("run.json"), org.emnistnet.artifact.Json.MAPPER.writeValueAsString(
                new org.emnistnet.train.TrainingOptions(org.emnistnet.model.TrainingRecipe.reference().withEpochs(3), 2, 128, 1, 500)));
        JobOutput.Run resumed = JobOutput.capture(new TrainJob(), "--in", tmp.resolve("prepared").toString(),
                "--run", run.toString(), "--resume", "--epochs", "5", "--seed", "7", "--limit", "500", "--master", "local[1]");
        assertUsageError(resumed, "--epochs 5 was given, the run has 3");
        assertThat(resumed.err()).contains("--seed 7 was given, the run has 42").doesNotContain("--limit");
        try (var files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("run.json");
        }
    }

    @Test
    void aStageGivenAnotherStagesOutputNamesBothAndWritesNothing() throws Exception {
        Path prepared = Files.createDirectories(tmp.resolve("prepared"));
        Files.writeString(prepared.resolve("_manifest.json"), "{\"stage\": \"prepare\", \"class_names\": [\"a\", \"b\"]}");
        JobOutput.Run again = JobOutput.capture(new PrepareJob(), "--in", prepared.toString(), "--out",
                tmp.resolve("twice").toString(), "--master", "local[1]");
        assertEquals(1, again.code(), again.err());
        assertThat(again.err()).contains(prepared + ": is the output of 'prepare'").contains("expected the output of 'ingest'");
        assertFalse(Files.exists(tmp.resolve("twice")));

        Path raw = Files.createDirectories(tmp.resolve("raw"));
        Files.writeString(raw.resolve("_manifest.json"), "{\"stage\": \"ingest\", \"class_names\": [\"a\", \"b\"]}");
        JobOutput.Run unprepared = JobOutput.capture(new TrainJob(), "--in", raw.toString(), "--run",
                tmp.resolve("run").toString(), "--master", "local[1]");
        assertEquals(1, unprepared.code(), unprepared.err());
        assertThat(unprepared.err()).contains("is the output of 'ingest'").contains("expected the output of 'prepare'");
    }

    @Test
    void aValidationFractionOutsideZeroToOneIsRefused() {
        assertUsageError(JobOutput.capture(new PrepareJob(), "--in", tmp.resolve("raw").toString(), "--out",
                tmp.resolve("prepared").toString(), "--val-fraction", "1.5", "--master", "local[1]"), "--val-fraction");
    }

    @Test
    void anUnknownFormatAndANonPositiveTopKAreRefused() {
        JobOutput.Run xml = JobOutput.capture(new ScoreJob(), "--model", MODEL, "--in", tmp.toString(),
                "--out", tmp.resolve("out").toString(), "--format", "xml");
        assertEquals(JobRunner.USAGE, xml.code());
        assertThat(xml.err()).contains("--format").contains("parquet, csv, json");
        assertUsageError(JobOutput.capture(new ScoreJob(), "--model", MODEL, "--in", tmp.resolve("images").toString(),
                "--out", tmp.resolve("out").toString(), "--top-k", "0", "--master", "local[1]"), "--top-k");
    }

    @Test
    void aMisspeltSplitNamesTheSplitsThePreparedDataHas() throws Exception {
        Path prepared = JobOutput.tinyPreparedManifest(tmp);
        assertUsageError(JobOutput.capture(new ScoreJob(), "--model", MODEL, "--in", prepared.toString(),
                "--split", "tset", "--out", tmp.resolve("out").toString(), "--master", "local[1]"),
                "--split 'tset': " + prepared + " has the splits [test, train, val]");
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void aModelOfOtherClassesThanTheDataIsRefusedNamingBoth() throws Exception {
        Path letters = Files.createDirectories(tmp.resolve("letters"));
        Files.writeString(letters.resolve("_manifest.json"), "{\"stage\": \"prepare\", \"dataset\": \"letters\", \"rows\": {\"test\": 1},"
                + " \"class_names\": [\"a\", \"b\", \"c\"]}");
        JobOutput.Run run = JobOutput.capture(new ScoreJob(), "--model", MODEL, "--in", letters.toString(),
                "--out", tmp.resolve("out").toString(), "--master", "local[1]");
        assertEquals(JobRunner.FAILED, run.code(), run.err());
        assertThat(run.err()).contains("was trained on the classes [T-shirt/top").contains("has the classes [a, b, c]");
        assertFalse(Files.exists(tmp.resolve("out")));
    }
}
