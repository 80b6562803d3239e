package org.emnistnet.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingest command line: a real local Spark run, exit codes, and one-line errors for bad input. */
class IngestJobTest {
    @TempDir
    Path tmp;

    @Test
    void ingestsFashionMnistAndPrintsASummary() {
        Path out = tmp.resolve("raw");
        JobOutput.Run run = run("--dataset", "fashion-mnist", "--out", out.toString(), "--master", "local[2]");
        assertEquals(0, run.code(), run.err());
        assertThat(run.out()).contains("fashion-mnist {train=60000, test=10000}");
        assertTrue(Files.isRegularFile(out.resolve("_manifest.json")));
        assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")));
    }

    @Test
    void badInputIsOneLineOnStderrAndExitCodeOne() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        JobOutput.Run run = run("--dataset", "fashion-mnist", "--data", notADirectory.toString(), "--out", tmp.resolve("raw").toString());
        assertEquals(JobRunner.FAILED, run.code());
        assertThat(run.err().strip()).startsWith("emnistnet ingest: error: ").contains(notADirectory.toString())
                .contains("not a directory").doesNotContain("\n").doesNotContain("Exception");
        assertFalse(Files.exists(tmp.resolve("raw")));
    }

    @Test
    void anUnknownDatasetListsTheKnownOnes() {
        JobOutput.Run run = run("--dataset", "mnist", "--out", tmp.resolve("raw").toString());
        assertEquals(JobRunner.FAILED, run.code());
        assertThat(run.err()).contains("unknown dataset 'mnist'").contains("emnist-letters").contains("fashion-mnist");
    }

    @Test
    void missingOptionsAreAUsageErrorWithHelp() {
        JobOutput.Run run = run("--dataset", "fashion-mnist");
        assertEquals(2, run.code());
        assertThat(run.err()).contains("Missing required option").contains("--out");
    }

    static JobOutput.Run run(String... args) {
        return JobOutput.capture(new IngestJob(), args);
    }
}
