package org.emnistnet.transform;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emnistnet.SparkTestSession;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Spark ML stages on a real local Spark: determinism, persistence, and bad input. */
class PixelTransformersTest {
    private final SparkSession spark = SparkTestSession.get();
    @TempDir
    Path tmp;

    private Dataset<Row> images(int count) {
        Random random = new Random(11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[784];
            random.nextBytes(pixels);
            rows.add(RowFactory.create(ImageSchema.idOf("train", i), "train", i % 10, pixels));
        }
        return spark.createDataFrame(rows, ImageSchema.RAW);
    }

    /** id -> SHA-256 of the pixels: compares whole datasets cheaply. */
    private static Map<String, String> pixelHashes(Dataset<Row> data) {
        Map<String, String> hashes = new TreeMap<>();
        for (Row row : data.select(ImageSchema.ID, ImageSchema.PIXELS).collectAsList()) {
            hashes.put(row.getString(0), Sha256.of((byte[]) row.get(1)));
        }
        return hashes;
    }

    @Test
    void augmentationIsBitIdenticalOnOneThreeAndSevenPartitions() {
        Dataset<Row> data = images(300);
        Augmentation augmentation = Augmentation.reference(42);
        Map<String, String> one = pixelHashes(augmentation.apply(data.repartition(1), 3));
        assertEquals(one, pixelHashes(augmentation.apply(data.repartition(3), 3)));
        assertEquals(one, pixelHashes(augmentation.apply(data.repartition(7), 3)));
        assertEquals(300, one.size());
    }

    @Test
    void everyEpochAndSeedDrawsDifferentAugmentations() {
        Dataset<Row> data = images(50);
        Map<String, String> epoch3 = pixelHashes(Augmentation.reference(42).apply(data, 3));
        Map<String, String> epoch4 = pixelHashes(Augmentation.reference(42).apply(data, 4));
        Map<String, String> otherSeed = pixelHashes(Augmentation.reference(7).apply(data, 3));
        for (String id : epoch3.keySet()) {
            assertNotEquals(epoch3.get(id), epoch4.get(id), id);
            assertNotEquals(epoch3.get(id), otherSeed.get(id), id);
        }
    }

    @Test
    void eachStageMatchesItsPixelFunction() {
        Dataset<Row> data = images(5);
        Row original = data.where("id = 'train-000003'").first();
        byte[] pixels = original.getAs(ImageSchema.PIXELS);

        Row fixed = OrientationFix.forDataset(true).transform(data).where("id = 'train-000003'").first();
        assertArrayEquals(PixelOps.transpose(pixels), (byte[]) fixed.getAs(ImageSchema.PIXELS));
        Row upright = OrientationFix.forDataset(false).transform(data).where("id = 'train-000003'").first();
        assertArrayEquals(pixels, (byte[]) upright.getAs(ImageSchema.PIXELS), "an upright dataset is left untouched");

        Row rotated = new RandomRotation().setSeed(5).setEpoch(2).setMaxDegrees(10).setOutputCol("rotated")
                .transform(data).where("id = 'train-000003'").first();
        double angle = RandomRotation.angleOf(5, 2, "train-000003", 10);
        assertArrayEquals(PixelOps.rotate(pixels, angle), (byte[]) rotated.getAs("rotated"));
        assertArrayEquals(pixels, (byte[]) rotated.getAs(ImageSchema.PIXELS), "a separate output column keeps the input");
    }

    @Test
    void aPipelineOfTheStagesSavesAndLoads() throws Exception {
        Dataset<Row> data = images(40);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{
                OrientationFix.forDataset(true), new RandomRotation().setMaxDegrees(8).setSeed(3).setEpoch(1),
                new GaussianNoise().setStd(0.1).setSeed(3).setEpoch(1)});
        PipelineModel fitted = pipeline.fit(data);
        String path = tmp.resolve("pipeline").toString();
        fitted.save(path);
        PipelineModel loaded = PipelineModel.load(path);

        assertEquals(pixelHashes(fitted.transform(data)), pixelHashes(loaded.transform(data)));
        RandomRotation rotation = (RandomRotation) loaded.stages()[1];
        assertEquals(8.0, rotation.getMaxDegrees());
        assertEquals(1, rotation.getEpoch());
        assertEquals(0.1, ((GaussianNoise) loaded.stages()[2]).getStd());

        pipeline.save(tmp.resolve("unfitted").toString());
        assertEquals(3, Pipeline.load(tmp.resolve("unfitted").toString()).getStages().length);
    }

    @Test
    void aMissingColumnIsRejectedBeforeAnyWork() {
        Dataset<Row> noPixels = images(3).drop(ImageSchema.PIXELS);
        InvalidDataException error = assertThrows(InvalidDataException.class, () -> new RandomRotation().transform(noPixels));
        assertThat(error.getMessage()).contains("RandomRotation").contains("'pixels'").contains("missing");
    }

    @Test
    void aColumnOfTheWrongTypeIsRejectedBeforeAnyWork() {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("pixels", DataTypes.StringType);
        Dataset<Row> strings = spark.createDataFrame(List.of(RowFactory.create("a", "not bytes")), schema);
        InvalidDataException error = assertThrows(InvalidDataException.class, () -> new GaussianNoise().transform(strings));
        assertThat(error.getMessage()).contains("'pixels' has type string, expected binary");
    }

    @Test
    void pixelsOfTheWrongLengthNameTheRow() {
        Dataset<Row> shortImage = spark.createDataFrame(
                List.of(RowFactory.create("train-000009", "train", 1, new byte[783])), ImageSchema.RAW);
        Exception error = assertThrows(Exception.class, () -> OrientationFix.forDataset(true).transform(shortImage).collectAsList());
        Throwable cause = error;
        while (!(cause instanceof InvalidDataException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause.getMessage()).contains("row train-000009").contains("783 bytes, expected 784");
    }
}
