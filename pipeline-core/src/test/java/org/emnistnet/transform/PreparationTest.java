package org.emnistnet.transform;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.FashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.data.DatasetDescriptor;
import org.emnistnet.data.IdxIngest;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.Manifests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** prepare on the real Fashion-MNIST: a deterministic, stratified validation split and the orientation rule. */
class PreparationTest {
    private static final SparkSession SPARK = SparkTestSession.get();
    @TempDir
    static java.nio.file.Path shared;
    private static Path raw;
    private static Preparation.Result first;

    @TempDir
    java.nio.file.Path tmp;

    @BeforeAll
    static void ingestAndPrepareFashionMnist() {
        raw = new Path(shared.resolve("raw").toString());
        new IdxIngest(SPARK).ingest(DatasetDescriptor.named("fashion-mnist"), new Path(FashionMnist.dir().toString()), raw, false, false);
        first = new Preparation(SPARK).prepare(raw, new Path(shared.resolve("prepared").toString()), 0.1, 42, false);
    }

    private static Set<String> valIds(Dataset<Row> data) {
        return new HashSet<>(data.where(col(ImageSchema.SPLIT).equalTo("val")).select(ImageSchema.ID).as(Encoders.STRING()).collectAsList());
    }

    @Test
    void theValidationFractionIsExactAndEveryClassKeepsItsShare() {
        assertEquals(Map.of("train", 54000L, "val", 6000L, "test", 10000L), first.rows());
        Map<String, Map<String, Long>> classCounts = Manifests.read(first.output()).classCounts();
        assertEquals(10, classCounts.get("val").size());
        classCounts.get("val").values().forEach(count -> assertEquals(600, count.intValue(), 6)); // 10 % of 6,000 per class, within 1 %
        assertEquals(0.1, first.rows().get("val") / 60000.0, 0.005);
    }

    @Test
    void theSameIdsGoToValidationOnEveryRunAndPartitioning() {
        Dataset<Row> rawRows = SPARK.read().parquet(raw.toString());
        Set<String> expected = valIds(SPARK.read().parquet(first.output().toString()));
        assertEquals(expected, valIds(Preparation.withValidationSplit(rawRows.repartition(1), 0.1, 42)));
        assertEquals(expected, valIds(Preparation.withValidationSplit(rawRows.repartition(7), 0.1, 42)));

        Preparation.Result again = new Preparation(SPARK).prepare(raw, new Path(tmp.resolve("again").toString()), 0.1, 42, false);
        assertEquals(expected, valIds(SPARK.read().parquet(again.output().toString())));
        assertThat(valIds(Preparation.withValidationSplit(rawRows, 0.1, 7))).isNotEqualTo(expected);
    }

    @Test
    void anUprightDatasetKeepsItsPixelsAndTheManifestCitesItsInput() {
        Row before = SPARK.read().parquet(raw.toString()).where("id = 'test-000123'").first();
        Row after = SPARK.read().parquet(first.output().toString()).where("id = 'test-000123'").first();
        assertArrayEquals((byte[]) before.getAs(ImageSchema.PIXELS), (byte[]) after.getAs(ImageSchema.PIXELS));
        org.emnistnet.artifact.StageManifest manifest = Manifests.read(first.output());
        assertEquals("prepare", manifest.stage());
        assertEquals(Manifests.sha256(raw), manifest.inputManifestSha256());
        assertEquals(new org.emnistnet.artifact.StageManifest.PrepareParameters(0.1, 42, false), manifest.parameters());
        assertEquals(org.emnistnet.artifact.ImageFileRecipe.WHOLE_IMAGE, manifest.imageFileRecipe(), "carried from ingest to the model card");
        assertEquals(Manifests.read(raw).inputSha256(), manifest.inputSha256(), "the IDX files' hashes carried forward");
    }

    @Test
    void aTransposedDatasetIsTurnedUpright() {
        Path transposedRaw = new Path(tmp.resolve("transposed-raw").toString());
        Dataset<Row> sample = SPARK.read().parquet(raw.toString()).where("id < 'test-000050' or (id >= 'train' and id < 'train-000100')");
        sample.write().partitionBy(ImageSchema.SPLIT).parquet(transposedRaw.toString());
        Map<String, Object> manifest = org.emnistnet.artifact.Json.MAPPER.convertValue(Manifests.read(raw), Map.class);
        manifest.put("transposed", true);
        Manifests.writeNamed(transposedRaw, Manifests.FILE_NAME, manifest);

        Preparation.Result result = new Preparation(SPARK).prepare(transposedRaw, new Path(tmp.resolve("upright").toString()), 0.1, 42, false);
        Row before = sample.where("id = 'train-000042'").first();
        Row after = SPARK.read().parquet(result.output().toString()).where("id = 'train-000042'").first();
        assertArrayEquals(PixelOps.transpose(before.getAs(ImageSchema.PIXELS)), (byte[]) after.getAs(ImageSchema.PIXELS));
        assertTrue(result.manifest().parameters().orientationFixed());
    }

    @Test
    void unusableRowsStopTheStageBeforeAnyOutput() {
        Path badRaw = new Path(tmp.resolve("bad-raw").toString());
        SPARK.createDataFrame(List.of(
                RowFactory.create("train-000000", "train", 1, new byte[784]),
                RowFactory.create("train-000001", "train", 1, new byte[100]),
                RowFactory.create("train-000002", "train", 10, new byte[784])), ImageSchema.RAW)
                .write().partitionBy(ImageSchema.SPLIT).parquet(badRaw.toString());
        Manifests.write(badRaw, Manifests.read(raw));
        java.nio.file.Path out = tmp.resolve("never");

        InvalidDataException error = assertThrows(InvalidDataException.class,
                () -> new Preparation(SPARK).prepare(badRaw, new Path(out.toString()), 0.1, 42, false));
        assertThat(error.getMessage()).contains("bad-raw").contains("2 rows cannot be used")
                .contains("train-000001").contains("train-000002");
        assertFalse(Files.exists(out));
    }

    @Test
    void anInputWithoutAManifestIsNamed() {
        InvalidDataException error = assertThrows(InvalidDataException.class, () -> new Preparation(SPARK)
                .prepare(new Path(tmp.toString()), new Path(tmp.resolve("out").toString()), 0.1, 42, false));
        assertThat(error.getMessage()).contains("_manifest.json");
    }
}
