package org.emnistnet.data;

import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.Sha256;
import org.emnistnet.artifact.Manifests;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.EmnistNetException;
import org.emnistnet.SparkTestSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ingest: IDX files in, Parquet and a manifest out, exactly the stored bytes, or a clear error and nothing. */
class IdxIngestTest {
    private final SparkSession spark = SparkTestSession.get();
    @TempDir
    Path tmp;
    private IdxFixture fixture;
    private Path dataDir;
    private Path out;

    @BeforeEach
    void createFixture() throws Exception {
        dataDir = Files.createDirectory(tmp.resolve("data"));
        out = tmp.resolve("raw");
        fixture = new IdxFixture(dataDir, 50, 20);
    }

    private IdxIngest.Result ingest(DatasetDescriptor descriptor, boolean overwrite, boolean skipChecksum) {
        return new IdxIngest(spark).ingest(descriptor, hadoop(dataDir), hadoop(out), overwrite, skipChecksum);
    }

    private static org.apache.hadoop.fs.Path hadoop(Path path) {
        return new org.apache.hadoop.fs.Path(path.toUri());
    }

    @Test
    void writesOneRowPerImageWithTheStoredBytesAndZeroBasedLabels() {
        IdxIngest.Result result = ingest(fixture.descriptor(), false, false);

        assertEquals(Map.of("train", 50L, "test", 20L), result.rows());
        Dataset<Row> rows = spark.read().parquet(out.toString());
        assertEquals(70, rows.count());
        Row row = rows.where("id = 'train-000007'").first();
        assertEquals("train", row.getAs("split"));
        assertEquals(7 % 3, (int) row.getAs("label"));
        byte[] stored = Arrays.copyOfRange(fixture.images.get("train"), 16 + 7 * 784, 16 + 8 * 784);
        assertArrayEquals(stored, row.getAs("pixels"));
        assertEquals(List.of("test", "train"),
                rows.select("split").distinct().orderBy("split").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    @Test
    void manifestRecordsCountsPerSplitAndClassAndTheInputChecksums() {
        ingest(fixture.descriptor(), false, false);

        org.emnistnet.artifact.StageManifest manifest = Manifests.read(hadoop(out));
        assertEquals("ingest", manifest.stage());
        assertEquals("tiny", manifest.dataset());
        assertEquals(Map.of("train", 50L, "test", 20L), manifest.rows());
        assertEquals(Map.of("a", 17L, "b", 17L, "c", 16L), manifest.classCounts().get("train"));
        assertEquals(Sha256.of(fixture.labels.get("test")), manifest.inputSha256().get(IdxFixture.labelsFile("test")));
        assertEquals(true, manifest.checksumsVerified());
        assertThat(manifest.versions()).containsKeys("spark", "dl4j", "emnistnet");
    }

    @Test
    void anExistingOutputIsAnErrorWithoutOverwriteAndReplacedWithIt() throws Exception {
        ingest(fixture.descriptor(), false, false);

        EmnistNetException error = assertThrows(EmnistNetException.class, () -> ingest(fixture.descriptor(), false, false));
        assertThat(error.getMessage()).contains(out.getFileName().toString()).contains("pass `overwrite`");

        ingest(fixture.descriptor(), true, false);
        assertEquals(70, spark.read().parquet(out.toString()).count());
        try (var siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("data", "raw");
        }
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        Files.delete(dataDir.resolve(IdxFixture.labelsFile("test")));
        assertRejected(fixture.descriptor(), IdxFixture.labelsFile("test"), "file not found");
    }

    @Test
    void aWrongMagicNumberIsNamed() throws Exception {
        byte[] images = fixture.images.get("train");
        images[3] = 0x01;
        fixture.writeAll();
        assertRejected(fixture.descriptor(), IdxFixture.imagesFile("train"), "wrong magic number 2049 (expected 2051");
    }

    @Test
    void wrongDimensionsAreNamed() throws Exception {
        IdxFixture.writeGzip(dataDir.resolve(IdxFixture.imagesFile("train")),
                IdxFixture.idx(IdxHeader.IMAGES_MAGIC, new int[]{50, 32, 32}, new byte[50 * 32 * 32]));
        assertRejected(fixture.descriptor(), IdxFixture.imagesFile("train"), "wrong dimensions: images are 32x32 (expected 28x28)");
    }

    @Test
    void anImageLabelCountMismatchIsNamed() throws Exception {
        DatasetDescriptor descriptor = fixture.descriptor();
        IdxFixture.writeGzip(dataDir.resolve(IdxFixture.labelsFile("test")),
                IdxFixture.idx(IdxHeader.LABELS_MAGIC, new int[]{19}, Arrays.copyOfRange(fixture.labels.get("test"), 8, 27)));
        DatasetDescriptor relaxed = withCount(descriptor, "test", 20, 19);
        assertRejected(relaxed, IdxFixture.labelsFile("test"), "image/label count mismatch");
    }

    @Test
    void aTruncatedPayloadIsNamedWithTheIncompleteRecord() throws Exception {
        byte[] images = fixture.images.get("train");
        IdxFixture.writeGzip(dataDir.resolve(IdxFixture.imagesFile("train")), Arrays.copyOf(images, images.length - 100));
        assertRejected(fixture.descriptor(), IdxFixture.imagesFile("train"), "truncated payload", "record 49 is incomplete");
    }

    @Test
    void aCutGzipStreamIsNamed() throws Exception {
        Path file = dataDir.resolve(IdxFixture.imagesFile("test"));
        byte[] gz = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(gz, gz.length / 2));
        assertRejected(fixture.descriptor(), IdxFixture.imagesFile("test"), "truncated");
    }

    @Test
    void aFileThatInflatesBeyondWhatItsHeaderDeclaresStopsThereInsteadOfInflatingItAll() throws Exception {
        // the images, then 4 MB of random bytes, the gzip stream cut short inside them: read to the end, as before,
        // it failed only at the cut ("corrupt or truncated compressed data"), after inflating everything before it
        byte[] images = fixture.images.get("test");
        byte[] bomb = Arrays.copyOf(images, images.length + (4 << 20));
        byte[] noise = new byte[4 << 20];
        new java.util.Random(1).nextBytes(noise);
        System.arraycopy(noise, 0, bomb, images.length, noise.length);
        Path file = dataDir.resolve(IdxFixture.imagesFile("test"));
        IdxFixture.writeGzip(file, bomb);
        byte[] gz = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(gz, gz.length - (1 << 20)));
        assertRejected(fixture.descriptor(), IdxFixture.imagesFile("test"), "more bytes follow the last of the 20 images");
    }

    @Test
    void aDescriptorWhoseFileNamesLeaveTheDataFolderIsRefusedBeforeAnyFileIsOpened() throws Exception {
        String fashion = new String(DatasetDescriptor.class.getResourceAsStream("/org/emnistnet/data/datasets/fashion-mnist.json").readAllBytes());
        for (String name : List.of("../../etc/passwd", "/etc/passwd", "..")) {
            Path descriptor = tmp.resolve("hostile.json");
            Files.writeString(descriptor, fashion.replace("t10k-labels-idx1-ubyte.gz", name));
            InvalidDataException error = assertThrows(InvalidDataException.class, () -> DatasetDescriptor.named(descriptor.toString()));
            assertThat(error.getMessage()).contains(descriptor.toString(), "'" + name + "'", "inside the data folder")
                    .doesNotContain("magic");
        }
    }

    @Test
    void aLabelOutsideTheDatasetRangeIsNamedWithItsRecord() throws Exception {
        fixture.labels.get("train")[8 + 12] = 27;
        fixture.writeAll();
        assertRejected(fixture.descriptor(), IdxFixture.labelsFile("train"), "record 12: label 27 is outside the dataset's range 1..3");
    }

    @Test
    void aChecksumMismatchIsAnErrorUnlessSkippedExplicitly() throws Exception {
        DatasetDescriptor descriptor = fixture.descriptor();
        fixture.images.get("test")[500] ^= 1;
        fixture.writeAll();
        assertRejected(descriptor, IdxFixture.imagesFile("test"), "SHA-256 mismatch");

        IdxIngest.Result result = ingest(descriptor, false, true);
        assertEquals(20L, result.rows().get("test"));
        assertEquals(false, Manifests.read(hadoop(out)).checksumsVerified());
    }

    @Test
    void filesWithoutAPublishedSumNeedASha256sumsListThatMatches() throws Exception {
        DatasetDescriptor descriptor = withoutPayloadSum(fixture.descriptor(), "train");
        assertRejected(descriptor, IdxFixture.imagesFile("train"), "no SHA-256 is known");

        String sum = Sha256.of(Files.newInputStream(dataDir.resolve(IdxFixture.imagesFile("train"))));
        Files.writeString(dataDir.resolve("SHA256SUMS"), sum + "  " + IdxFixture.imagesFile("train") + "\n");
        assertEquals(50L, ingest(descriptor, false, false).rows().get("train"));

        Files.writeString(dataDir.resolve("SHA256SUMS"), "0".repeat(64) + "  " + IdxFixture.imagesFile("train") + "\n");
        assertRejected(descriptor, IdxFixture.imagesFile("train"), "SHA-256 mismatch", true);
    }

    @Test
    void aDataPathThatIsNotADirectoryIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        InvalidDataException error = assertThrows(InvalidDataException.class, () -> new IdxIngest(spark)
                .ingest(fixture.descriptor(), hadoop(file), hadoop(out), false, false));
        assertThat(error.getMessage()).contains("not-a-dir").contains("not a directory");
        assertFalse(Files.exists(out));
    }

    private void assertRejected(DatasetDescriptor descriptor, String file, String... expected) {
        assertRejected(descriptor, file, expected[0], false, Arrays.copyOfRange(expected, 1, expected.length));
    }

    private void assertRejected(DatasetDescriptor descriptor, String file, String expected, boolean overwrite, String... more) {
        InvalidDataException error = assertThrows(InvalidDataException.class, () -> ingest(descriptor, overwrite, false));
        assertThat(error.getMessage()).contains(file).contains(expected);
        for (String part : more) {
            assertThat(error.getMessage()).contains(part);
        }
        if (!overwrite) {
            assertFalse(Files.exists(out), "no output may be left after a rejected input");
        }
        assertTrue(Files.isDirectory(dataDir));
    }

    private static DatasetDescriptor withCount(DatasetDescriptor d, String split, long images, long labels) {
        Map<String, SplitFiles> splits = new java.util.LinkedHashMap<>(d.splits());
        SplitFiles files = splits.get(split);
        splits.put(split, new SplitFiles(new IdxFileSpec(files.images().file(), images, files.images().payloadSha256()),
                new IdxFileSpec(files.labels().file(), labels, null)));
        return new DatasetDescriptor(d.name(), d.description(), d.classNames(), d.labelBase(), d.transposed(),
                d.imageFileRecipe(), d.defaultDataDir(), d.howToGet(), splits, d.archive());
    }

    private static DatasetDescriptor withoutPayloadSum(DatasetDescriptor d, String split) {
        Map<String, SplitFiles> splits = new java.util.LinkedHashMap<>(d.splits());
        SplitFiles files = splits.get(split);
        splits.put(split, new SplitFiles(new IdxFileSpec(files.images().file(), files.images().count(), null), files.labels()));
        return new DatasetDescriptor(d.name(), d.description(), d.classNames(), d.labelBase(), d.transposed(),
                d.imageFileRecipe(), d.defaultDataDir(), d.howToGet(), splits, d.archive());
    }
}
