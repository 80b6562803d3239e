package org.emnistnet.score;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.TaskKiller;
import org.emnistnet.TinyModel;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.picture.AugmentationPreview;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Batch scoring on a real local Spark with a real (untrained) EMNISTNet. */
class BatchScorerTest extends ScoringFixture {
    @Test
    void scoringASplitGivesOneRowPerImageAndTheInProcessPredictions() {
        List<Row> predictions = new BatchScorer(spark, model, 3, 64).scoreImages(testRows.repartition(3)).predictions().collectAsList();
        assertEquals(300, predictions.size());
        Map<String, byte[]> pixels = new HashMap<>();
        testRows.collectAsList().forEach(r -> pixels.put(r.getAs(ImageSchema.ID), r.getAs(ImageSchema.PIXELS)));
        for (Row p : predictions) {
            int expected = inProcessPrediction(pixels.get(p.<String>getAs("id")));
            assertEquals(expected, (int) p.getAs(PredictionSchema.LABEL_INDEX), p.<String>getAs("id"));
            assertEquals(TinyModel.FASHION.get(expected), p.getAs(PredictionSchema.PREDICTION));
            assertEquals(3, p.getList(p.fieldIndex(PredictionSchema.TOP_K)).size());
            assertEquals(model.sha256(), p.getAs(PredictionSchema.MODEL_SHA256));
            assertNull(p.getAs(PredictionSchema.ERROR));
        }
    }

    @Test
    void aRowWithoutAnIdFailsTheJobNamingItsFileAndWritesNothing() throws Exception {
        java.nio.file.Path input = tmp.resolve("no-id");
        testRows.limit(20).withColumn(ImageSchema.ID, org.apache.spark.sql.functions.when(col(ImageSchema.ID)
                        .equalTo(testRows.first().<String>getAs(ImageSchema.ID)), null).otherwise(col(ImageSchema.ID)))
                .coalesce(1).write().parquet(input.toString());
        BatchScorer scorer = new BatchScorer(spark, model, 2, 64);
        ScoringResult scored = scorer.scoreImages(spark.read().parquet(input.toString()));
        java.nio.file.Path out = tmp.resolve("out");
        Exception failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> scorer.write(scored, new Path(out.toString()), org.emnistnet.score.OutputFormat.parquet, false, "no-id"));
        Throwable known = failure;
        while (known != null && !(known instanceof org.emnistnet.InvalidDataException)) {
            known = known.getCause();
        }
        assertThat(known).as("the cause the job reports, in " + failure).isNotNull();
        assertThat(known.getMessage()).contains(input.toString()).contains(".parquet")
                .contains("a row without an id (null): every image to score needs one");
        assertThat(out).doesNotExist();
    }

    @Test
    void scoringASplitOfAPreparedDatasetNamesItsManifestInTheSummary() {
        BatchScorer scorer = new BatchScorer(spark, model, 1, 256);
        org.emnistnet.artifact.ScoringSummary summary = scorer.write(scorer.scoreSplit(PreparedFashionMnist.path(), org.emnistnet.data.Split.VAL),
                new Path(tmp.resolve("val").toString()), org.emnistnet.score.OutputFormat.parquet, false, "val");
        assertEquals(6000L, summary.inputs());
        assertEquals(org.emnistnet.artifact.Manifests.sha256(new Path(PreparedFashionMnist.path())), summary.inputManifestSha256());
        assertEquals("val", summary.inputSplit());
    }

    /**
     * A write task lost mid-way (a lost executor, or the loser of a speculative pair, which Spark kills the same way)
     * runs again, and Spark's commit protocol publishes one attempt's file: exactly one row per input, no id twice.
     */
    @Test
    void aScoringTaskKilledMidWayRunsAgainAndEveryInputHasExactlyOneRow() {
        BatchScorer scorer = new BatchScorer(spark, model, 1, 256);
        Path out = new Path(tmp.resolve("val").toString());
        org.emnistnet.artifact.ScoringSummary summary;
        try (TaskKiller killer = TaskKiller.inStage(spark.sparkContext(), "save at BatchScorer", 1)) {
            summary = scorer.write(scorer.scoreSplit(PreparedFashionMnist.path(), org.emnistnet.data.Split.VAL), out, org.emnistnet.score.OutputFormat.parquet, false, "val");
            assertEquals(1, killer.killed(), "a task of the write was killed and ran again");
        }
        Dataset<Row> written = spark.read().parquet(out.toString());
        assertEquals(6000L, summary.inputs());
        assertEquals(6000L, written.count());
        assertEquals(6000L, written.select("id").distinct().count());
        assertEquals(0L, written.where(col(PredictionSchema.ERROR).isNotNull()).count());
    }

    /** A scoring result is a value: two inputs scored by one scorer and written in either order keep their own summaries. */
    @Test
    void twoInputsScoredByOneScorerAreWrittenEachWithItsOwnSummary() throws Exception {
        BatchScorer scorer = new BatchScorer(spark, model, 1, 256);
        java.nio.file.Path folder = Files.createDirectories(tmp.resolve("images"));
        ImageIO.write(AugmentationPreview.toImage(testRows.first().getAs(ImageSchema.PIXELS)), "png", folder.resolve("a.png").toFile());
        ScoringResult split = scorer.scoreSplit(PreparedFashionMnist.path(), org.emnistnet.data.Split.VAL);
        ScoringResult files = scorer.scoreFiles(folder.toString());

        org.emnistnet.artifact.ScoringSummary ofSplit = scorer.write(split, new Path(tmp.resolve("val").toString()),
                OutputFormat.parquet, false, "val");
        org.emnistnet.artifact.ScoringSummary ofFiles = scorer.write(files, new Path(tmp.resolve("files").toString()),
                OutputFormat.parquet, false, "images");

        assertEquals(6000L, ofSplit.inputs());
        assertEquals("val", ofSplit.inputSplit());
        assertEquals(1L, ofFiles.inputs());
        assertNull(ofFiles.inputSplit(), "a folder is no split of a prepared dataset");
    }

    @Test
    void csvAndJsonOutputsCarryTheSameRows() {
        BatchScorer scorer = new BatchScorer(spark, model, 3, 128);
        ScoringResult predictions = scorer.scoreImages(testRows.limit(20));
        scorer.write(predictions, new Path(tmp.resolve("csv").toString()), org.emnistnet.score.OutputFormat.csv, false, "test");
        scorer.write(predictions, new Path(tmp.resolve("json").toString()), org.emnistnet.score.OutputFormat.json, false, "test");
        Dataset<Row> csv = spark.read().option("header", "true").csv(tmp.resolve("csv").toString());
        assertThat(csv.columns()).contains("id", "prediction", "top1_label", "top3_probability", "model_sha256", "error", "error_kind");
        assertEquals(20, csv.count());
        assertEquals(20, spark.read().json(tmp.resolve("json").toString()).count());
    }

}
