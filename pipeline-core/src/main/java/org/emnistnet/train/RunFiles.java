package org.emnistnet.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.BuildInfo;
import org.emnistnet.model.Checksums;
import org.emnistnet.model.ComputeBackend;
import org.emnistnet.model.TrainingRecipe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The files of a run directory other than checkpoints and history: run.json, model.zip, model.json. */
final class RunFiles {
    private RunFiles() {
    }

    /** A run directory holds one run: starting again over it needs --resume (or a new directory). */
    static void checkStartable(Path runDirectory, boolean resume) {
        if (!resume && (Files.exists(runDirectory.resolve("history.json")) || Files.exists(runDirectory.resolve("checkpoints")))) {
            throw new EmnistNetException(runDirectory + " already holds a training run (pass --resume to continue it, or choose a new --run)");
        }
        try {
            Files.createDirectories(runDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runDirectory, e);
        }
    }

    static Optional<TrainingOptions> savedOptions(Path runDirectory) {
        Path file = runDirectory.resolve("run.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(TrainingRun.JSON.readValue(file.toFile(), TrainingOptions.class));
        } catch (IOException e) {
            throw new EmnistNetException(file + ": not a valid run description: " + e.getMessage(), e);
        }
    }

    static void saveOptions(Path runDirectory, TrainingOptions options) {
        writeJson(runDirectory.resolve("run.json"), options);
    }

    static void writeJson(Path file, Object value) {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try {
            TrainingRun.JSON.writeValue(part.toFile(), value);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The model for serving: parameters only (no updater state), atomically, with its SHA-256 sidecar. */
    static String writeModel(MultiLayerNetwork network, Path file) {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try {
            ModelSerializer.writeModel(network, part.toFile(), false);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return Checksums.writeSidecar(file);
    }

    static Map<String, Object> provenance(Map<String, Object> manifest, String manifestSha, String prepared,
                                          TrainingRecipe recipe, TrainerSettings settings, EpochRecord best,
                                          long parameters, String modelSha, Evaluator.Result test, long limit, long trainImages) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("model", "EMNISTNet");
        model.put("sha256", modelSha);
        model.put("parameters", parameters);
        model.put("dataset", manifest.get("dataset"));
        model.put("class_names", manifest.get("class_names"));
        model.put("prepared", prepared);
        model.put("dataset_manifest_sha256", manifestSha);
        model.put("input_sha256", manifest.get("input_sha256"));
        model.put("recipe", recipe.toMap());
        model.put("seed", recipe.seed());
        Map<String, Object> distributed = new LinkedHashMap<>();
        distributed.put("engine", "dl4j-spark parameter averaging");
        distributed.put("workers", settings.workers());
        distributed.put("batch_per_worker", settings.batchPerWorker());
        distributed.put("averaging_frequency", settings.averagingFrequency());
        model.put("training", distributed);
        model.put("train_images", trainImages);
        model.put("train_limit", limit);
        model.put("best_epoch", best.epoch());
        model.put("val_accuracy", best.valAccuracy());
        model.put("val_loss", best.valLoss());
        model.put("test_accuracy", test.accuracy());
        model.put("test_loss", test.loss());
        model.put("test_images", test.count());
        model.put("backend", ComputeBackend.describe());
        model.put("versions", BuildInfo.versions());
        model.put("created", Instant.now().toString());
        return model;
    }

    static String duration(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
