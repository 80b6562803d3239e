package org.emnistnet.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ingest -> prepare -> augment-preview through the command lines, on real Fashion-MNIST. */
class PrepareAndPreviewJobTest {
    @TempDir
    Path tmp;

    @Test
    void preparesAndDrawsAPreviewGrid() throws Exception {
        Path raw = tmp.resolve("raw");
        Path prepared = tmp.resolve("prepared");
        assertEquals(0, IngestJobTest.run("--dataset", "fashion-mnist", "--out", raw.toString(), "--master", "local[2]").code());

        JobOutput.Run prepare = JobOutput.capture(new PrepareJob(), "--in", raw.toString(), "--out", prepared.toString(),
                "--val-fraction", "0.2", "--master", "local[2]");
        assertEquals(0, prepare.code(), prepare.err());
        assertThat(prepare.out()).contains("train=48000").contains("val=12000").contains("test=10000");
        assertTrue(Files.isRegularFile(prepared.resolve("_manifest.json")));

        JobOutput.Run preview = JobOutput.capture(new AugmentPreviewJob(), "--in", prepared.toString(),
                "--out", tmp.resolve("preview").toString(), "--n", "16", "--master", "local[2]");
        assertEquals(0, preview.code(), preview.err());
        BufferedImage grid = ImageIO.read(tmp.resolve("preview/preview.png").toFile());
        assertEquals(8 * (2 * 84 + 4 + 8), grid.getWidth(), "8 pairs per row, 28x28 enlarged 3x");
        assertEquals(2 * (84 + 8), grid.getHeight(), "16 images in 2 rows");
    }

    @Test
    void preparingARawPathWithoutAManifestFailsWithOneLine() {
        JobOutput.Run run = JobOutput.capture(new PrepareJob(), "--in", tmp.resolve("raw").toString(), "--out", tmp.resolve("p").toString());
        assertEquals(JobRunner.FAILED, run.code());
        assertThat(run.err()).startsWith("emnistnet prepare: error: ").contains("_manifest.json");
    }
}
