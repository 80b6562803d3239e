package org.emnistnet.score;

import org.emnistnet.data.ImageFolder;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.picture.AugmentationPreview;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Scoring a folder of image files: every file gets a row, a prediction or the reason it has none. */
class FolderScoringTest extends ScoringFixture {
    @Test
    void aFolderOfMixedFilesScoresEveryImageAndNamesTheReasonForEveryOther() throws Exception {
        java.nio.file.Path images = Files.createDirectories(tmp.resolve("images/nested/deeper"));
        Row row = testRows.first();
        byte[] pixels = row.getAs(ImageSchema.PIXELS);
        BufferedImage grey = AugmentationPreview.toImage(pixels);
        ImageIO.write(grey, "png", tmp.resolve("images/exact.png").toFile());
        ImageIO.write(scaledOnLightBackground(grey, 300, 200, BufferedImage.TYPE_INT_RGB), "jpg", images.resolve("photo.jpg").toFile());
        ImageIO.write(scaledOnLightBackground(grey, 56, 56, BufferedImage.TYPE_BYTE_GRAY), "bmp", tmp.resolve("images/nested/scan.bmp").toFile());
        ImageIO.write(scaledOnLightBackground(grey, 64, 64, BufferedImage.TYPE_INT_RGB), "gif", images.resolve("colour.gif").toFile());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(scaledOnLightBackground(grey, 120, 120, BufferedImage.TYPE_INT_RGB), "png", png);
        Files.write(tmp.resolve("images/corrupt.png"), java.util.Arrays.copyOf(png.toByteArray(), png.size() / 2));
        Files.write(tmp.resolve("images/empty.png"), new byte[0]);
        Files.writeString(tmp.resolve("images/nested/text-named.png"), "this is not a PNG");
        Files.writeString(images.resolve("notes.txt"), "a plain text file");

        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        BatchScorer scorer = new BatchScorer(spark, model, 2, 16).withProgress(progress::add, java.time.Duration.ofMillis(50));
        org.emnistnet.artifact.ScoringSummary summary = scorer.write(scorer.scoreFiles(tmp.resolve("images").toString()),
                new Path(tmp.resolve("out").toString()), org.emnistnet.score.OutputFormat.parquet, false, "images");

        assertThat(progress).as("a line while scoring and one at the end").hasSizeGreaterThan(1);
        assertThat(progress.get(progress.size() - 1)).startsWith("scored 8 of 8 inputs (100 %)");

        assertEquals(8L, summary.inputs());
        assertEquals(8L, summary.inputFiles(), "the listing's own count, beside the rows'");
        long bytes;
        try (var files = Files.walk(tmp.resolve("images"))) {
            bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        assertEquals(bytes, summary.inputBytes());
        assertEquals(4L, summary.scored());
        assertEquals(4L, summary.failed());
        assertEquals(Map.of("empty file", 1L, "not a decodable image", 2L, "corrupt image", 1L), summary.failedByReason());
        Dataset<Row> written = spark.read().parquet(tmp.resolve("out").toString());
        assertEquals(8, written.count());
        Row exact = written.where(col("path").endsWith("/exact.png")).first();
        assertEquals(inProcessPrediction(pixels), (int) exact.getAs(PredictionSchema.LABEL_INDEX),
                "the PNG of a dataset image scores as its Parquet row");
        assertThat(written.where(col("error").isNotNull().and(col("prediction").isNotNull())).count()).isZero();
        Row empty = written.where(col("path").endsWith("/empty.png")).first();
        assertEquals("empty file", empty.getAs(PredictionSchema.ERROR_KIND), "the kind beside the message: " + empty.getAs("error"));
        assertThat(written.where(col(PredictionSchema.ERROR).isNull().and(col(PredictionSchema.ERROR_KIND).isNotNull())).count())
                .as("a scored row has no error kind").isZero();
        assertThat(Files.readString(tmp.resolve("out/_summary.json"))).contains("\"failed_by_reason\"");
    }

    @Test
    void symbolicLinksAreSkippedUnlessAskedThenFollowedOnlyInsideTheFolderAndCountedByReason() throws Exception {
        java.nio.file.Path images = Files.createDirectories(tmp.resolve("images/sub"));
        BufferedImage grey = AugmentationPreview.toImage(testRows.first().getAs(ImageSchema.PIXELS));
        ImageIO.write(grey, "png", tmp.resolve("images/a.png").toFile());
        ImageIO.write(grey, "png", images.resolve("b.png").toFile());
        ImageIO.write(grey, "png", tmp.resolve("secret.png").toFile());
        java.nio.file.Path folder = tmp.resolve("images");
        Files.createSymbolicLink(folder.resolve("loop"), java.nio.file.Path.of(".."));          // out, and round
        Files.createSymbolicLink(folder.resolve("self"), java.nio.file.Path.of("."));           // a loop
        Files.createSymbolicLink(images.resolve("up"), java.nio.file.Path.of(".."));            // a loop, one down
        Files.createSymbolicLink(folder.resolve("alias"), java.nio.file.Path.of("sub"));        // a second way in
        Files.createSymbolicLink(folder.resolve("outside.png"), java.nio.file.Path.of("../secret.png"));
        Files.createSymbolicLink(folder.resolve("inner.png"), java.nio.file.Path.of("sub/b.png"));
        Files.createSymbolicLink(folder.resolve("dangling.png"), java.nio.file.Path.of("nowhere.png"));

        BatchScorer scorer = new BatchScorer(spark, model, 2, 16);
        org.emnistnet.artifact.ScoringSummary skipping = scorer.write(scorer.scoreFiles(folder.toString()),
                new Path(tmp.resolve("skipping").toString()), org.emnistnet.score.OutputFormat.parquet, false, "images");
        assertEquals(2L, skipping.inputs(), "a.png and sub/b.png, nothing through a link");
        assertEquals(Map.of(ImageFolder.LINK_NOT_FOLLOWED, 7L), skipping.skippedLinks());

        org.emnistnet.artifact.ScoringSummary following = scorer.write(scorer.scoreFiles(folder.toString(), 100_000, true),
                new Path(tmp.resolve("following").toString()), org.emnistnet.score.OutputFormat.parquet, false, "images");
        assertEquals(3L, following.inputs(), "a.png, sub/b.png and the link inner.png to it");
        assertEquals(Map.of(ImageFolder.LINK_OUTSIDE, 2L, ImageFolder.LINK_LOOP, 3L, ImageFolder.LINK_BROKEN, 1L),
                following.skippedLinks());
        assertThat(spark.read().parquet(tmp.resolve("following").toString()).select("path").as(Encoders.STRING()).collectAsList())
                .as("each file under its own name; never the file outside the folder")
                .allMatch(path -> path.contains("/images/"))
                .noneMatch(path -> path.contains("secret") || path.contains("/alias/"))
                .hasSize(3);
        assertThat(Files.readString(tmp.resolve("following/_summary.json"))).contains("\"skipped_links\"");
    }

    @Test
    @org.junit.jupiter.api.Timeout(120) // opening the pipe would block until a writer came: for ever
    void aNamedPipeAmongTheImagesGetsAnErrorRowAndIsNeverOpened() throws Exception {
        java.nio.file.Path folder = Files.createDirectories(tmp.resolve("images"));
        ImageIO.write(AugmentationPreview.toImage(testRows.first().getAs(ImageSchema.PIXELS)), "png", folder.resolve("a.png").toFile());
        assertEquals(0, new ProcessBuilder("mkfifo", folder.resolve("pipe.png").toString()).start().waitFor());

        BatchScorer scorer = new BatchScorer(spark, model, 2, 16);
        org.emnistnet.artifact.ScoringSummary summary = scorer.write(scorer.scoreFiles(folder.toString()),
                new Path(tmp.resolve("out").toString()), org.emnistnet.score.OutputFormat.parquet, false, "images");
        assertEquals(2L, summary.inputs());
        assertEquals(Map.of(ImageFolder.NOT_A_FILE, 1L), summary.failedByReason());
    }

    @Test
    void aFolderWithGlobCharactersOversizedFilesAndAwkwardNamesScoresEveryFileOnceAsStandardCsv() throws Exception {
        java.nio.file.Path folder = Files.createDirectories(tmp.resolve("img[1]{a,b}"));
        BufferedImage grey = AugmentationPreview.toImage(testRows.first().getAs(ImageSchema.PIXELS));
        ImageIO.write(grey, "png", folder.resolve("plain.png").toFile());
        ImageIO.write(grey, "png", folder.resolve("say \"hi\"\nthere.png").toFile());
        ImageIO.write(scaledOnLightBackground(grey, 400, 400, BufferedImage.TYPE_INT_RGB), "bmp", folder.resolve("big.bmp").toFile());
        long bigBytes = Files.size(folder.resolve("big.bmp"));

        BatchScorer scorer = new BatchScorer(spark, model, 2, 16);
        java.nio.file.Path out = tmp.resolve("out");
        org.emnistnet.artifact.ScoringSummary summary = scorer.write(scorer.scoreFiles(folder.toString(), 100_000, false),
                new Path(out.toString()), org.emnistnet.score.OutputFormat.csv, false, "images");

        assertEquals(3L, summary.inputs(), "one row per file, a line break in a name included");
        assertEquals(2L, summary.scored());
        assertEquals(Map.of("file too large", 1L), summary.failedByReason());
        String csv;
        try (var parts = Files.list(out)) {
            csv = parts.filter(p -> p.getFileName().toString().endsWith(".csv")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(java.util.stream.Collectors.joining());
        }
        assertThat(csv).as("RFC 4180: quotes doubled inside a quoted field").contains("say \"\"hi\"\"\nthere.png\"")
                .doesNotContain("\\\"");
        assertThat(csv).contains(String.format(java.util.Locale.ROOT, "file too large: %,d bytes, more than the limit of 100,000 bytes per file", bigBytes));
    }

    private static BufferedImage scaledOnLightBackground(BufferedImage ink, int width, int height, int type) {
        BufferedImage out = new BufferedImage(width, height, type);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        BufferedImage inverted = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                inverted.getRaster().setSample(x, y, 0, 255 - ink.getRaster().getSample(x, y, 0));
            }
        }
        g.drawImage(inverted, 0, 0, width, height, null);
        g.dispose();
        return out;
    }
}
