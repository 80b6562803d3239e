package org.emnistnet.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.emnistnet.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The executors read exactly what the driver's listing saw: a file swapped, grown, shrunk or removed between the
 * listing and the read gets an error row, and is never followed out of the folder or left to block the job.
 */
class ImageFolderTest {
    private final JavaSparkContext spark = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void anUnchangedFileIsReadWholeAndExactly() throws Exception {
        java.nio.file.Path folder = Files.createDirectories(tmp.resolve("images"));
        byte[] content = "not an image, but bytes all the same".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(folder.resolve("a.png"), content);

        Row row = readAfter(folder, () -> { }).get("a.png");
        assertThat((byte[]) row.get(1)).isEqualTo(content);
        assertThat(row.getString(2)).isNull();
    }

    @Test
    @Timeout(120) // opening the pipe would block until a writer came: for ever
    void aFileReplacedByANamedPipeAfterTheListingGetsAnErrorRowAndIsNeverOpened() throws Exception {
        java.nio.file.Path folder = Files.createDirectories(tmp.resolve("images"));
        java.nio.file.Path image = Files.write(folder.resolve("a.png"), new byte[100]);

        Row row = readAfter(folder, () -> {
            Files.delete(image);
            assertEquals(0, new ProcessBuilder("mkfifo", image.toString()).start().waitFor());
        }).get("a.png");
        assertThat(row.get(1)).isNull();
        assertThat(row.getString(2)).isEqualTo(ImageFolder.NOT_A_FILE + ": replaced after the listing");
    }

    @Test
    void aFileReplacedByALinkToAFileOutsideTheFolderIsNotRead() throws Exception {
        java.nio.file.Path folder = Files.createDirectories(tmp.resolve("images"));
        java.nio.file.Path image = Files.write(folder.resolve("a.png"), new byte[100]);
        Files.write(tmp.resolve("secret.png"), new byte[100]);

        Row row = readAfter(folder, () -> {
            Files.delete(image);
            Files.createSymbolicLink(image, tmp.resolve("secret.png"));
        }).get("a.png");
        assertThat(row.get(1)).as("the outside file's bytes never read").isNull();
        assertThat(row.getString(2)).isEqualTo(ImageFolder.LINK_NOT_FOLLOWED + ": became a link after the listing");
    }

    @Test
    void aFileThatGrewShrankOrVanishedAfterTheListingGetsAnErrorRowNamingTheChange() throws Exception {
        java.nio.file.Path folder = Files.createDirectories(tmp.resolve("images"));
        java.nio.file.Path grows = Files.write(folder.resolve("grows.png"), new byte[100]);
        java.nio.file.Path shrinks = Files.write(folder.resolve("shrinks.png"), new byte[100]);
        java.nio.file.Path vanishes = Files.write(folder.resolve("vanishes.png"), new byte[100]);

        Map<String, Row> rows = readAfter(folder, () -> {
            Files.write(grows, new byte[5000]);
            Files.write(shrinks, new byte[10]);
            Files.delete(vanishes);
        });
        assertThat(rows.get("grows.png").getString(2))
                .isEqualTo(ImageFolder.UNREADABLE + ": changed after the listing: 5,000 bytes, listed with 100");
        assertThat(rows.get("shrinks.png").getString(2))
                .isEqualTo(ImageFolder.UNREADABLE + ": changed after the listing: 10 bytes, listed with 100");
        assertThat(rows.get("vanishes.png").getString(2)).startsWith(ImageFolder.UNREADABLE + ": ").contains("vanishes.png");
        assertThat(rows.values()).allSatisfy(row -> assertThat(row.get(1)).isNull());
    }

    /** Lists {@code folder}, runs {@code change}, then reads the listed files on the executors: rows by file name. */
    private Map<String, Row> readAfter(java.nio.file.Path folder, Change change) throws Exception {
        ImageFolder.Listing listing = ImageFolder.list(new Path(folder.toString()), 1 << 20, false);
        change.run();
        return ImageFileReader.read(spark, listing.toRead(), 16).collect().stream()
                .collect(Collectors.toMap(row -> new Path(row.getString(0)).getName(), Function.identity()));
    }

    private interface Change {
        void run() throws Exception;
    }
}
