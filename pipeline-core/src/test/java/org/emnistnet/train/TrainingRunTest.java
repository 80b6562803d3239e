package org.emnistnet.train;


import org.emnistnet.train.paramavg.ReplicaFit;
import org.emnistnet.train.paramavg.TrainerSettings;
import org.junit.jupiter.api.Tag;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.emnistnet.EmnistNetException;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.TrainingHistory;
import org.emnistnet.model.TrainingRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.emnistnet.train.TrainingRuns.Killed;
import static org.emnistnet.train.TrainingRuns.checkpoint;
import static org.emnistnet.train.TrainingRuns.history;
import static org.emnistnet.train.TrainingRuns.runDirectory;
import static org.emnistnet.train.TrainingRuns.sidecar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real DL4J training with parameter averaging on local[2] over a few thousand real Fashion-MNIST images:
 * it learns, it writes its files, and a killed run resumes to the same history as an uninterrupted one.
 */
@Tag("slow")
class TrainingRunTest {
    private static final TrainingOptions SHORT = TrainingRuns.SHORT;

    @TempDir
    Path tmp;

    @Test
    void learnsAndWritesCheckpointsHistoryCurvesAndTheModel() throws Exception {
        Path run = TrainingRuns.uninterrupted().run(); // 3 epochs of SHORT, shared with TrainingResumeTest
        TrainingRun.Result result = TrainingRuns.uninterrupted().result();

        List<EpochRecord> history = history(run);
        assertEquals(3, history.size());
        assertTrue(history.get(2).trainLoss() < history.get(0).trainLoss(), "training loss falls: " + history);
        assertTrue(history.get(2).valLoss() < history.get(0).valLoss(), "validation loss falls: " + history);
        assertTrue(result.valAccuracy() > 0.6, "far above chance (0.1): " + result.valAccuracy());
        assertTrue(result.testAccuracy() > 0.6, "test accuracy " + result.testAccuracy());
        for (int epoch = 1; epoch <= 3; epoch++) {
            Path checkpoint = checkpoint(run, epoch);
            assertEquals(org.emnistnet.artifact.Sha256.of(Files.newInputStream(checkpoint)), sidecar(checkpoint));
            assertEquals(sidecar(checkpoint), history.get(epoch - 1).checkpointSha256());
        }
        assertEquals(1000, ImageIO.read(run.resolve("curves.png").toFile()).getWidth());
        int planned = new TrainerSettings(2, 64, 5, null, 0, 1).iterationsPerEpoch(2000);
        for (EpochRecord epoch : history) { // every planned averaging round ran: the schedule advances as sized
            assertEquals(epoch.epoch() * planned, epoch.iterations());
        }
        for (EpochRecord epoch : history) { // the time split: compute inside fit vs the whole pass, over 2 workers
            assertThat(epoch.fitSeconds()).isPositive().isLessThanOrEqualTo(epoch.seconds());
            assertThat(epoch.workerFitSeconds()).isPositive().isLessThan(2 * epoch.fitSeconds());
        }

        Map<?, ?> model = new ObjectMapper().readValue(run.resolve("model.json").toFile(), Map.class);
        assertEquals(sidecar(run.resolve("model.zip")), model.get("sha256"));
        assertEquals(sidecar(run.resolve("model.onnx")), model.get("onnx_sha256"), "model.onnx beside model.zip, recorded");
        assertEquals(model.get("sha256"), org.emnistnet.model.OnnxModelFile.card("model.onnx",
                Files.readAllBytes(run.resolve("model.onnx"))).sha256(), "the ONNX file's card names model.zip");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(run.resolve("model.zip").toFile())) {
            assertThat(new String(zip.getInputStream(zip.getEntry("configuration.json")).readAllBytes()))
                    .as("the served model names only DL4J's classes").doesNotContain("org.emnistnet");
        }
        assertEquals(result.testAccuracy(), ((Number) model.get("test_accuracy")).doubleValue());
        assertThat((Map<String, Object>) model).containsKeys("dataset_manifest_sha256", "recipe", "versions", "parameters");
        assertEquals(org.emnistnet.model.ModelCard.SCHEMA_VERSION, model.get("schema_version"));
        assertTrue(((Number) model.get("parameters")).longValue() < 1_000_000);
        assertEquals(history.stream().max(java.util.Comparator.comparingDouble(EpochRecord::valAccuracy)).orElseThrow().epoch(),
                model.get("best_epoch"));

        // The model file alone says how to feed it: its card inside, readable with DL4J's own API.
        Path alone = Files.createDirectories(tmp.resolve("elsewhere")).resolve("copied.zip");
        Files.copy(run.resolve("model.zip"), alone);
        String inside = org.deeplearning4j.util.ModelSerializer.getObjectFromFile(alone.toFile(), "emnistnet-model-card");
        Map<?, ?> card = new ObjectMapper().readValue(inside, Map.class);
        assertEquals(model.get("class_names"), card.get("class_names"));
        assertEquals(model.get("test_accuracy"), card.get("test_accuracy"));
        org.emnistnet.model.TrainedModel loaded = org.emnistnet.model.TrainedModel.load(alone.toString());
        assertEquals(model.get("class_names"), loaded.classNames());
        assertEquals(org.emnistnet.artifact.ImageFileRecipe.WHOLE_IMAGE, loaded.imageFileRecipe());
        assertEquals(model.get("sha256"), loaded.sha256());
    }

    @Test
    void onALocalMasterTheDefaultAveragesEveryMinibatchAndRunsEveryPlannedRound() {
        // 2,000 images in minibatches of 64 on 2 workers: 16 rounds of 2 minibatches. DL4J's own random split left
        // some rounds without data here, and the learning-rate schedule fell behind.
        TrainingOptions byDefault = new TrainingOptions(TrainingRecipe.reference().withEpochs(1), 2, 64, 0, 2000);
        TrainingRun.Result result = new TrainingRun(SparkTestSession.get())
                .train(PreparedFashionMnist.path(), runDirectory(tmp.resolve("f1")), byDefault, false, line -> { });
        assertEquals(1, RunFiles.savedOptions(runDirectory(tmp.resolve("f1"))).orElseThrow().averagingFrequency(), "local master: every minibatch");
        assertEquals(16, new TrainerSettings(2, 64, 1, null, 0, 1).roundsPerEpoch(2000));
        assertEquals(16, result.history().get(0).iterations());
    }

    @Test
    void aSingleWorkerSplitsEachMinibatchOverItsCoresAndTrainsRepeatably() throws Exception {
        // local[2], one worker: it owns both cores, so each minibatch of 256 is fitted as two slices of 128 on two
        // single-core replicas (ReplicaFit) inside DL4J's worker, with rounds of 10 minibatches (nothing to average)
        TrainingOptions oneWorker = new TrainingOptions(TrainingRecipe.reference().withEpochs(2), 1, 0, 0, 2000);
        TrainingRun trainer = new TrainingRun(SparkTestSession.get());
        List<EpochRecord> first = trainer.train(PreparedFashionMnist.path(), runDirectory(tmp.resolve("one")), oneWorker,
                false, line -> { }).history();
        List<EpochRecord> again = trainer.train(PreparedFashionMnist.path(), runDirectory(tmp.resolve("again")), oneWorker,
                false, line -> { }).history();

        Map<?, ?> training = (Map<?, ?>) new ObjectMapper().readValue(tmp.resolve("one/model.json").toFile(), Map.class).get("training");
        assertEquals(2, training.get("replicas_per_worker"));
        assertEquals(TrainingOptions.SINGLE_WORKER_ROUND, training.get("averaging_frequency"));
        assertTrue(first.get(1).trainLoss() < first.get(0).trainLoss(), "training loss falls: " + first);
        assertThat(first.get(1).valAccuracy()).as("16 steps of 256 images: several times chance (0.1)").isGreaterThan(0.3);
        // 2,000 images: 8 minibatches of 256 (the last partial), fewer than a round of 10: one round per epoch
        assertEquals(2 * TrainingOptions.SINGLE_WORKER_ROUND, first.get(1).iterations());
        assertEquals(first.stream().map(EpochRecord::valLoss).toList(), again.stream().map(EpochRecord::valLoss).toList(),
                "the same seed trains the same network (dropout seeded per replica and step)");
    }

    @Test
    void theMovingAverageOfTheWeightsIsEvaluatedEveryEpochResumedFromItsCheckpointAndServedWhenBetter() throws Exception {
        TrainingOptions averaged = new TrainingOptions(TrainingRecipe.reference().withEpochs(2).withEmaDecay(0.9), 2, 64, 1, 2000);
        TrainingRun trainer = new TrainingRun(SparkTestSession.get());
        List<EpochRecord> whole = trainer.train(PreparedFashionMnist.path(), runDirectory(tmp.resolve("whole")), averaged,
                false, line -> { }).history();
        // a learned model, if a young one (16 rounds into a decay of 0.9 after epoch 1): above twice chance of 10 classes
        assertThat(whole).allSatisfy(epoch -> assertThat(epoch.emaValAccuracy()).isNotNull().isGreaterThan(0.2));
        assertTrue(Files.exists(tmp.resolve("whole/checkpoints/averaged-02.zip.sha256")));
        theTestAccuracyOfEveryEpochIsThereAfterTheFact(tmp.resolve("whole"), averaged, whole);

        Path run = tmp.resolve("killed");
        assertThrows(Killed.class, () -> trainer.train(PreparedFashionMnist.path(), runDirectory(run), averaged, false, line -> {
            if (line.startsWith("epoch 1/")) {
                throw new Killed();
            }
        }));
        List<EpochRecord> resumed = trainer.train(PreparedFashionMnist.path(), runDirectory(run), averaged, true, line -> { }).history();
        assertEquals(whole.get(1).emaValAccuracy(), resumed.get(1).emaValAccuracy(), "the average continues from its checkpoint");

        EpochRecord best = TrainingHistory.read(runDirectory(run).file(RunDirectory.HISTORY)).stream()
                .max(java.util.Comparator.comparingDouble(EpochRecord::bestValAccuracy)).orElseThrow();
        Map<?, ?> model = new ObjectMapper().readValue(run.resolve("model.json").toFile(), Map.class);
        assertEquals(best.bestValAccuracy(), ((Number) model.get("val_accuracy")).doubleValue());
        assertThat((String) model.get("weights")).startsWith(best.averagedIsBetter() ? "moving average" : "as trained");
    }

    /** {@link EpochTests}: the served epoch's figure among them equals the one the run wrote into model.json. */
    private static void theTestAccuracyOfEveryEpochIsThereAfterTheFact(Path run, TrainingOptions options,
                                                                       List<EpochRecord> history) throws Exception {
        var all = SparkTestSession.get().read().parquet(PreparedFashionMnist.path());
        var test = TrainingRun.limited(org.emnistnet.data.Split.TEST.of(all), options.trainLimit() / 4, options.recipe().seed());
        List<EpochTests.EpochTest> tests = EpochTests.of(SparkTestSession.get(), runDirectory(run), test, 10);
        assertEquals(history.size(), tests.size());
        assertThat(tests).allSatisfy(epoch -> {
            assertThat(epoch.testAccuracy()).isGreaterThan(0.2);
            assertThat(epoch.emaTestAccuracy()).isNotNull().isGreaterThan(0.2);
        });
        EpochRecord best = history.stream().max(java.util.Comparator.comparingDouble(EpochRecord::bestValAccuracy)).orElseThrow();
        EpochTests.EpochTest served = tests.get(best.epoch() - 1);
        Map<?, ?> model = new ObjectMapper().readValue(run.resolve("model.json").toFile(), Map.class);
        assertEquals(((Number) model.get("test_accuracy")).doubleValue(),
                best.averagedIsBetter() ? served.emaTestAccuracy() : served.testAccuracy(), 1e-12);
    }








    @Test
    void labelsThatAreNoClassIndexAreRefusedBeforeTrainingNamingAnImage() {
        org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
        org.apache.hadoop.fs.Path prepared = new org.apache.hadoop.fs.Path(PreparedFashionMnist.path());
        org.emnistnet.artifact.StageManifest manifest = org.emnistnet.artifact.Manifests.readOfStage(prepared, org.emnistnet.artifact.Stage.PREPARE);
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> all = spark.read().parquet(PreparedFashionMnist.path());
        org.apache.spark.sql.Column label = org.apache.spark.sql.functions.col("label");
        for (Integer wrong : java.util.Arrays.asList(99, -1, null)) {
            var mangled = all.withColumn("label", org.apache.spark.sql.functions.when(label.equalTo(3),
                    org.apache.spark.sql.functions.lit(wrong).cast("int")).otherwise(label));
            TrainingData data = new TrainingData("mangled", manifest.classNames(), manifest, "0".repeat(64),
                    mangled.where("split = 'train'"), mangled.where("split = 'val'"), null);
            Path run = tmp.resolve("run-" + wrong);
            EmnistNetException error = assertThrows(EmnistNetException.class,
                    () -> new TrainingRun(spark).train(data, runDirectory(run), SHORT, false, null, line -> { }));
            assertThat(error.getMessage()).contains("mangled: labels must lie in 0..9").contains("has " + wrong);
            assertFalse(Files.exists(run.resolve("checkpoints")), "refused before the first epoch");
        }
    }
}
