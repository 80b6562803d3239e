package org.emnistnet.ml;

import org.junit.jupiter.api.Tag;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.EmnistNetException;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.TinyModel;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.InvalidDataException;
import org.emnistnet.transform.OrientationFix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Spark ML API: a Pipeline with the classifier fits, saves, loads and transforms identically. */
@Tag("slow")
class EmnistNetEstimatorTest {
    private final SparkSession spark = SparkTestSession.get();
    @TempDir
    Path tmp;

    private Dataset<Row> rows(String split, int limit) {
        return spark.read().parquet(PreparedFashionMnist.path()).where(col(ImageSchema.SPLIT).equalTo(split))
                .orderBy(ImageSchema.ID).limit(limit).select(ImageSchema.ID, ImageSchema.LABEL, ImageSchema.PIXELS);
    }

    @Test
    void fitSaveLoadTransformEqualsTheUnsavedModel() throws Exception {
        EmnistNetClassifier classifier = new EmnistNetClassifier().setClassNames(TinyModel.FASHION).setEpochs(1)
                .setBatchSize(64).setRunDirectory(tmp.resolve("run").toString());
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{OrientationFix.forDataset(false), classifier});
        PipelineModel fitted = pipeline.fit(rows("train", 1200));
        String path = tmp.resolve("pipeline").toString();
        fitted.save(path);
        PipelineModel loaded = PipelineModel.load(path);

        Dataset<Row> test = rows("test", 100);
        List<Row> before = fitted.transform(test).orderBy(ImageSchema.ID).select("prediction", "probability").collectAsList();
        List<Row> after = loaded.transform(test).orderBy(ImageSchema.ID).select("prediction", "probability").collectAsList();
        assertEquals(100, before.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getDouble(0), after.get(i).getDouble(0));
            assertArrayEquals(((Vector) before.get(i).get(1)).toArray(), ((Vector) after.get(i).get(1)).toArray(), 1e-6);
            assertEquals(1.0, java.util.Arrays.stream(((Vector) after.get(i).get(1)).toArray()).sum(), 1e-4);
        }
        assertThat(java.nio.file.Files.exists(tmp.resolve("run/model.zip"))).isTrue();
        EmnistNetModel saved = (EmnistNetModel) loaded.stages()[1];
        assertThat(saved.modelCard()).as("the provenance survives Spark ML's save and load")
                .hasValueSatisfying(card -> assertThat(card).contains("\"class_names\"").contains("\"test_accuracy\"")
                        .contains("\"dataset_manifest_sha256\""));
    }

    @Test
    void fitRefusesMissingClassNamesAndWrongColumnsBeforeAnyWork() {
        Dataset<Row> data = rows("train", 10);
        assertThrows(EmnistNetException.class, () -> new EmnistNetClassifier().fit(data));
        InvalidDataException error = assertThrows(InvalidDataException.class, () -> new EmnistNetClassifier()
                .setClassNames(TinyModel.FASHION).fit(data.drop(ImageSchema.LABEL)));
        assertThat(error.getMessage()).contains("'label' is missing");
    }

    @Test
    void aLabelOfAnyNumberTypeIsAcceptedButNotOneThatIsNoClassIndex() {
        Dataset<Row> data = rows("train", 10).withColumn(ImageSchema.LABEL, col(ImageSchema.LABEL).cast("double"));
        EmnistNetClassifier classifier = new EmnistNetClassifier().setClassNames(TinyModel.FASHION);
        assertThat(classifier.transformSchema(data.schema()).fieldNames()).contains("prediction", "probability");

        Dataset<Row> fractional = data.withColumn(ImageSchema.LABEL,
                org.apache.spark.sql.functions.when(col(ImageSchema.ID).equalTo("train-000003"), 2.5).otherwise(col(ImageSchema.LABEL)));
        InvalidDataException error = assertThrows(InvalidDataException.class, () -> classifier.fit(fractional));
        assertThat(error.getMessage()).contains("'label' has 1 value(s) that are not a class index 0..9, e.g. 2.5 in row id=train-000003");
        InvalidDataException text = assertThrows(InvalidDataException.class,
                () -> classifier.fit(data.withColumn(ImageSchema.LABEL, col(ImageSchema.LABEL).cast("string"))));
        assertThat(text.getMessage()).contains("column 'label' has type string, expected a number");
    }

    @Test
    void copyingAStageGivesAStageOfTheSameType() {
        OrientationFix fix = OrientationFix.forDataset(true);
        OrientationFix copy = fix.copy(org.apache.spark.ml.param.ParamMap.empty());
        assertEquals(fix.uid(), copy.uid());
        EmnistNetClassifier classifier = new EmnistNetClassifier().setClassNames(TinyModel.FASHION);
        EmnistNetClassifier copied = classifier.copy(org.apache.spark.ml.param.ParamMap.empty());
        assertArrayEquals(TinyModel.FASHION.toArray(), copied.getOrDefault(copied.classNames()));
    }

    @Test
    void theModelScoresSparksImageStructAndAVectorAsItScoresTheBytes() throws Exception {
        EmnistNetModel model = new EmnistNetModel(org.emnistnet.model.ModelBytes.of(TinyModel.network()));
        List<Row> test = rows("test", 12).collectAsList();
        java.nio.file.Path images = java.nio.file.Files.createDirectories(tmp.resolve("images"));
        List<Row> vectors = new java.util.ArrayList<>();
        for (Row row : test) {
            byte[] pixels = row.getAs(ImageSchema.PIXELS);
            javax.imageio.ImageIO.write(org.emnistnet.picture.AugmentationPreview.toImage(pixels), "png",
                    images.resolve(row.<String>getAs(ImageSchema.ID) + ".png").toFile());
            double[] values = new double[pixels.length];
            for (int p = 0; p < pixels.length; p++) {
                values[p] = pixels[p] & 0xff;
            }
            vectors.add(org.apache.spark.sql.RowFactory.create(row.getAs(ImageSchema.ID), org.apache.spark.ml.linalg.Vectors.dense(values)));
        }
        java.util.Map<String, Double> fromBytes = predictions(model.transform(rows("test", 12)), ImageSchema.ID);
        Dataset<Row> vectorRows = spark.createDataFrame(vectors, new org.apache.spark.sql.types.StructType()
                .add(ImageSchema.ID, "string").add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType()));
        assertEquals(fromBytes, predictions(model.copy(org.apache.spark.ml.param.ParamMap.empty()).setFeaturesCol("features")
                .transform(vectorRows), ImageSchema.ID));
        Dataset<Row> imageRows = spark.read().format("image").load(images.toString())
                .withColumn(ImageSchema.ID, org.apache.spark.sql.functions.regexp_extract(col("image.origin"), "([^/]+)\\.png$", 1));
        assertEquals(fromBytes, predictions(model.copy(org.apache.spark.ml.param.ParamMap.empty()).setFeaturesCol("image")
                .transform(imageRows), ImageSchema.ID));
        InvalidDataException wrongType = assertThrows(InvalidDataException.class,
                () -> model.copy(org.apache.spark.ml.param.ParamMap.empty()).setFeaturesCol(ImageSchema.ID).transformSchema(vectorRows.schema()));
        assertThat(wrongType.getMessage()).contains("expected binary (784 bytes), Spark's image struct or a vector of 784 values");
    }

    private static java.util.Map<String, Double> predictions(Dataset<Row> scored, String key) {
        java.util.Map<String, Double> byKey = new java.util.TreeMap<>();
        scored.select(key, "prediction").collectAsList().forEach(r -> byKey.put(r.getString(0), r.getDouble(1)));
        return byKey;
    }
}
