package org.emnistnet.jobs;

import org.emnistnet.model.OnnxModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** export-onnx writes a model's ONNX export, never over another file; score refuses an engine it has not. */
class ExportOnnxJobTest {
    private static final String MODEL = "../models/fashion-mnist/model.zip";
    @TempDir
    Path tmp;

    @Test
    void exportsTheCommittedModelWithItsCardAndRefusesToReplaceWhatItDidNotWrite() throws Exception {
        Path out = tmp.resolve("fashion.onnx");
        JobOutput.Run exported = JobOutput.capture(new ExportOnnxJob(), "--model", MODEL, "--out", out.toString());
        assertEquals(0, exported.code(), exported.err());
        Map<?, ?> card = org.emnistnet.artifact.Json.MAPPER.readValue(Path.of("../models/fashion-mnist/model.json").toFile(), Map.class);
        assertEquals(card.get("sha256"), OnnxModelFile.card(out.toString(), Files.readAllBytes(out)).sha256());
        assertThat(Files.readString(out.resolveSibling("fashion.onnx.sha256"))).startsWith(card.get("onnx_sha256").toString());

        JobOutput.Run again = JobOutput.capture(new ExportOnnxJob(), "--model", MODEL, "--out", out.toString());
        assertEquals(JobRunner.FAILED, again.code());
        assertThat(again.err()).contains(out.toString()).contains("already exists");

        Path mine = Files.writeString(tmp.resolve("mine.onnx"), "my own file");
        JobOutput.Run overwrite = JobOutput.capture(new ExportOnnxJob(), "--model", MODEL, "--out", mine.toString(), "--overwrite");
        assertEquals(JobRunner.USAGE, overwrite.code());
        assertThat(overwrite.err()).contains("not an ONNX export of emnistnet");
        assertEquals("my own file", Files.readString(mine));
    }

    @Test
    void anUnknownEngineIsAUsageErrorNamingTheChoices() {
        JobOutput.Run run = JobOutput.capture(new ScoreJob(), "--model", MODEL, "--in", tmp.resolve("in").toString(),
                "--out", tmp.resolve("out").toString(), "--engine", "tensorflow", "--master", "local[1]");
        assertEquals(JobRunner.USAGE, run.code(), run.out() + run.err());
        assertThat(run.err()).contains("--engine 'tensorflow': expected one of [onnx, dl4j]");
        assertThat(tmp.resolve("out")).doesNotExist();
    }
}
