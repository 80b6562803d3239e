package org.emnistnet.train;

import org.emnistnet.eval.Evaluator;

import org.emnistnet.train.paramavg.TrainerSettings;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.StageManifest;
import org.emnistnet.artifact.Sidecars;
import org.emnistnet.artifact.BuildInfo;
import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.artifact.Json;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.ModelZip;
import org.emnistnet.model.OnnxModelFile;
import org.emnistnet.model.TrainingRecipe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The files of a run directory other than checkpoints and history: run.json, model.zip, model.json. */
final class RunFiles {
    private RunFiles() {
    }

    /** A run directory holds one run: starting again over it needs --resume (or a new directory). */
    static void checkStartable(RunDirectory run, boolean resume) {
        if (!resume && run.holdsRun()) {
            throw new EmnistNetException(run + " already holds a training run (pass --resume to continue it, or choose a new --run)");
        }
        if (resume && run.holdsRun() && !AtomicFiles.isFile(run.file(RunDirectory.RUN_SETTINGS))) {
            // without its settings a resume would train another recipe (the defaults) on top of these checkpoints
            throw new EmnistNetException(run + " holds a training run but not its settings ("
                    + HadoopFiles.display(run.file(RunDirectory.RUN_SETTINGS)) + " is missing): --resume cannot continue"
                    + " it; put run.json back, or start a new run with another --run");
        }
        AtomicFiles.mkdirs(run.root());
    }

    static Optional<TrainingOptions> savedOptions(RunDirectory run) {
        org.apache.hadoop.fs.Path file = run.file(RunDirectory.RUN_SETTINGS);
        return AtomicFiles.isFile(file) ? Optional.of(AtomicFiles.readJson(file, TrainingOptions.class)) : Optional.empty();
    }

    static void saveOptions(RunDirectory run, TrainingOptions options) {
        AtomicFiles.writeJson(run.file(RunDirectory.RUN_SETTINGS), options);
    }

    /**
     * The model for serving: parameters only (no updater state) and its model card inside, atomically, with its
     * SHA-256 sidecar; then its ONNX export {@code model.onnx} (the card with the model file's SHA-256 in its
     * metadata, and its own sidecar); then {@code model.json} beside them, the card with both SHA-256s. model.json
     * comes last: a run killed before it has no model card, so nothing half-written is ever served.
     */
    static String writeModel(MultiLayerNetwork network, RunDirectory run, Map<String, Object> card) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 22);
        try {
            ModelSerializer.writeModel(EmnistNet.forServing(network), bytes, false);
        } catch (IOException e) {
            throw new EmnistNetException("cannot serialise the model: " + e.getMessage(), e);
        }
        Map<String, Object> inside = new LinkedHashMap<>(card);
        inside.remove("sha256");
        String sha = Sidecars.writeWithSidecar(run.model(), ModelZip.withCard(bytes.toByteArray(), Json.write(inside)));
        card.put("sha256", sha);
        card.put(OnnxModelFile.SHA256_FIELD, OnnxModelFile.write(run.file(RunDirectory.MODEL_ONNX),
                OnnxModelFile.export(network, card)));
        AtomicFiles.writeJson(run.file(RunDirectory.MODEL_CARD), card);
        return sha;
    }

    static Map<String, Object> provenance(StageManifest manifest, String manifestSha, String prepared,
                                          TrainingRecipe recipe, TrainerSettings settings, EpochRecord best,
                                          long parameters, Evaluator.Result test, long limit, long trainImages) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("model", "EMNISTNet");
        model.put("sha256", null); // known once the model file is written: RunFiles.writeModel
        model.put("parameters", parameters);
        model.put("dataset", manifest.dataset());
        model.put("class_names", manifest.classNames());
        model.put("image_file_recipe", manifest.imageFileRecipe());
        model.put("prepared", prepared);
        model.put("dataset_manifest_sha256", manifestSha);
        model.put("input_sha256", manifest.inputSha256());
        model.put("recipe", recipe.toMap());
        model.put("seed", recipe.seed());
        Map<String, Object> distributed = new LinkedHashMap<>();
        distributed.put("engine", "dl4j-spark parameter averaging");
        distributed.put("workers", settings.workers());
        distributed.put("batch_per_worker", settings.batchPerWorker());
        distributed.put("replicas_per_worker", settings.replicasPerWorker());
        distributed.put("averaging_frequency", settings.averagingFrequency());
        model.put("training", distributed);
        model.put("train_images", trainImages);
        model.put("train_limit", limit);
        model.put("best_epoch", best.epoch());
        model.put("weights", best.averagedIsBetter() ? "moving average (Polyak, decay " + recipe.emaDecay() + ")" : "as trained");
        model.put("val_accuracy", best.bestValAccuracy());
        model.put("val_loss", best.averagedIsBetter() ? best.emaValLoss() : best.valLoss());
        model.put("test_accuracy", test.accuracy());
        model.put("test_loss", test.loss());
        model.put("test_images", test.count());
        model.put("backend", ComputeBackend.describe());
        model.put("versions", BuildInfo.versions());
        model.put("created", Instant.now().toString());
        return model;
    }
}
