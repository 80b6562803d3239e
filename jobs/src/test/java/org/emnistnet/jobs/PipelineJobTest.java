package org.emnistnet.jobs;

import org.junit.jupiter.api.Tag;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's main command on a small budget: ingest -> prepare -> train -> score -> evaluate through the
 * command line, then the score and evaluate jobs on their own, on real Fashion-MNIST.
 */
@Tag("slow")
class PipelineJobTest {
    @TempDir
    Path tmp;

    @Test
    void runsEveryStageAndEndsWithTheReport() throws Exception {
        Path work = tmp.resolve("work");
        JobOutput.Run pipeline = JobOutput.capture(new PipelineJob(), "--work", work.toString(), "--epochs", "1",
                "--limit", "6000", "--master", "local[2]");
        assertEquals(0, pipeline.code(), pipeline.err());
        assertThat(pipeline.out()).contains("ingest: {train=60000, test=10000}").contains("train: epoch 1/1")
                .contains("score: 10000 of 10000 scored").contains("report: " + work.resolve("report/report.html"));
        // 23 steps of 256 images: far from trained, but it learns (with 1,500 images, 6 steps, it stayed at chance: 0.09)
        assertThat(JobOutput.accuracyIn(pipeline.out())).as("accuracy on the 10,000 test images").isGreaterThan(0.2);
        for (String file : new String[]{"run/model.zip", "run/model.json", "run/history.json", "run/curves.png",
                "scores/_summary.json", "report/metrics.json", "report/confusion.png", "report/report.html", "report/curves.png"}) {
            assertTrue(Files.isRegularFile(work.resolve(file)), file);
        }

        // score on its own: a folder with one good and one bad file, as CSV
        Path images = Files.createDirectories(tmp.resolve("images"));
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", images.resolve("black.png").toFile());
        Files.writeString(images.resolve("broken.jpg"), "no jpeg here");
        JobOutput.Run score = JobOutput.capture(new ScoreJob(), "--model", work.resolve("run/model.zip").toString(),
                "--in", images.toString(), "--out", tmp.resolve("scores").toString(), "--format", "csv", "--master", "local[2]");
        assertEquals(0, score.code(), score.err());
        assertThat(score.out()).contains("2 inputs, 1 scored, 1 failed {not a decodable image=1}");
        Map<?, ?> summary = new ObjectMapper().readValue(tmp.resolve("scores/_summary.json").toFile(), Map.class);
        assertEquals(2, summary.get("inputs"));

        // evaluate straight from the model
        JobOutput.Run evaluate = JobOutput.capture(new EvaluateJob(), "--model", work.resolve("run/model.zip").toString(),
                "--labels", work.resolve("prepared").toString(), "--split", "val", "--out", tmp.resolve("report").toString(),
                "--master", "local[2]");
        assertEquals(0, evaluate.code(), evaluate.err());
        assertThat(evaluate.out()).contains("on 6000 images");
        assertTrue(Files.isRegularFile(tmp.resolve("report/report.html")));
    }

    @Test
    void aModelWhoseBytesChangedIsRefused() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("model.zip"), "not the model that was trained");
        Files.writeString(run.resolve("model.json"), "{\"sha256\": \"" + "a".repeat(64) + "\", \"dataset\": \"fashion-mnist\", \"class_names\": [\"x\"]}");
        JobOutput.Run score = JobOutput.capture(new ScoreJob(), "--model", run.resolve("model.zip").toString(),
                "--in", Files.createDirectories(tmp.resolve("images")).toString(), "--out", tmp.resolve("out").toString());
        assertEquals(JobRunner.FAILED, score.code());
        assertThat(score.err()).contains("model.zip: SHA-256 mismatch");
    }
}
