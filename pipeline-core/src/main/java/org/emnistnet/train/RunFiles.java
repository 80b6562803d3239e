package org.emnistnet.train;

import org.emnistnet.Parameter;

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
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.ModelCard;
import org.emnistnet.model.ModelZip;
import org.emnistnet.model.OnnxModelFile;
import org.emnistnet.model.TrainingRecipe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/** The files of a run directory other than checkpoints and history: run.json, model.zip, model.json. */
final class RunFiles {
    private RunFiles() {
    }

    /** A run directory holds one run: starting again over it needs {@code resume} (or a new directory). */
    static void checkStartable(RunDirectory run, boolean resume) {
        if (!resume && run.holdsRun()) {
            throw new EmnistNetException(run + " already holds a training run (pass " + Parameter.RESUME + " to continue it, or choose a new "
                    + Parameter.RUN + ")");
        }
        if (resume && run.holdsRun() && !AtomicFiles.isFile(run.file(RunDirectory.RUN_SETTINGS))) {
            // without its settings a resume would train another recipe (the defaults) on top of these checkpoints
            throw new EmnistNetException(run + " holds a training run but not its settings ("
                    + HadoopFiles.display(run.file(RunDirectory.RUN_SETTINGS)) + " is missing): " + Parameter.RESUME
                    + " cannot continue it; put run.json back, or start a new run with another " + Parameter.RUN);
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
    static String writeModel(MultiLayerNetwork network, RunDirectory run, ModelCard card) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 22);
        try {
            ModelSerializer.writeModel(EmnistNet.forServing(network), bytes, false);
        } catch (IOException e) {
            throw new EmnistNetException("cannot serialise the model: " + e.getMessage(), e);
        }
        String sha = Sidecars.writeWithSidecar(run.model(), ModelZip.withCard(bytes.toByteArray(), card.withSha256(null).toJson()));
        ModelCard written = card.withSha256(sha);
        written = written.withOnnxSha256(OnnxModelFile.write(run.file(RunDirectory.MODEL_ONNX), OnnxModelFile.export(network, written)));
        AtomicFiles.write(run.file(RunDirectory.MODEL_CARD), written.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return sha;
    }

    /** The card of a finished run; its SHA-256s are known once the files are written ({@link #writeModel}). */
    static ModelCard card(StageManifest manifest, String manifestSha, String prepared, TrainingRecipe recipe,
                          TrainerSettings settings, EpochRecord best, long parameters, Evaluator.Result test, long limit,
                          long trainImages) {
        return new ModelCard(ModelCard.SCHEMA_VERSION, ModelCard.MODEL, null, null, parameters, manifest.dataset(),
                manifest.classNames(), manifest.imageFileRecipe(), prepared, manifestSha, manifest.inputSha256(), recipe,
                new ModelCard.Distribution("dl4j-spark parameter averaging", settings.workers(), settings.batchPerWorker(),
                        settings.replicasPerWorker(), settings.averagingFrequency()),
                trainImages, limit, best.epoch(),
                best.averagedIsBetter() ? "moving average (Polyak, decay " + recipe.emaDecay() + ")" : "as trained",
                best.bestValAccuracy(), best.averagedIsBetter() ? best.emaValLoss() : best.valLoss(),
                test.accuracy(), test.loss(), test.count(), ComputeBackend.describe(), BuildInfo.versions(),
                Instant.now().toString());
    }
}
