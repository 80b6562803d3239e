package org.emnistnet.model;

import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.ImageFileRecipe;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.DatasetDescriptor;

import java.io.Serializable;
import java.util.List;

/**
 * A trained model ready to serve: {@code model.zip} verified against its SHA-256, with its {@link ModelCard}
 * (class names, how to feed it, provenance) from the {@code model.json} beside it or from inside the file.
 */
public record TrainedModel(ModelBytes bytes, ModelCard card, ImageFileRecipe recipe) implements Serializable {

    public static TrainedModel load(String modelZip) {
        return load(HadoopFiles.qualified(modelZip));
    }

    /**
     * {@code model.zip} with {@code model.json} beside it (checked against its SHA-256), or a model file alone when
     * it carries its model card inside (models of this version on): the file then says how to feed it.
     */
    public static TrainedModel load(org.apache.hadoop.fs.Path modelZip) {
        return load(modelZip, true);
    }

    /**
     * {@link #load(org.apache.hadoop.fs.Path)}; with {@code withOnnx} false, the {@code model.onnx} that
     * {@code model.json} records is neither read nor checked (to export it again).
     */
    public static TrainedModel load(org.apache.hadoop.fs.Path modelZip, boolean withOnnx) {
        org.apache.hadoop.fs.Path json = new org.apache.hadoop.fs.Path(modelZip.getParent(), RunDirectory.MODEL_CARD);
        ModelBytes bytes;
        ModelCard card;
        if (AtomicFiles.isFile(json)) {
            card = ModelCard.read(json.toString(), AtomicFiles.read(json));
            if (card.sha256() == null) {
                throw new EmnistNetException(json + ": no sha256 (the model file's SHA-256, which model.json must record)");
            }
            bytes = ModelBytes.read(modelZip, card.sha256());
            if (withOnnx && card.onnxSha256() != null) {
                org.apache.hadoop.fs.Path onnx = new org.apache.hadoop.fs.Path(modelZip.getParent(), RunDirectory.MODEL_ONNX);
                bytes = bytes.withOnnx(OnnxModelFile.read(onnx, card.onnxSha256(), card), onnx.toString());
            }
        } else {
            bytes = ModelBytes.readAlone(modelZip);
            String inside = ModelZip.card(modelZip.toString(), bytes.bytes()).orElseThrow(() -> new EmnistNetException(modelZip
                    + ": no model.json beside it and no model card inside it (class names and provenance are needed to serve it)"));
            card = ModelCard.read(modelZip + " (its model card)", inside.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .withSha256(bytes.sha256());
        }
        String dataset = card.dataset();
        // Recorded since the model card carries it; older models name a known dataset. Never guessed: a wrong
        // recipe scores every image file wrongly without a word.
        ImageFileRecipe recipe = card.imageFileRecipe() != null ? card.imageFileRecipe()
                : DatasetDescriptor.KNOWN.contains(dataset) ? DatasetDescriptor.named(dataset).imageFileRecipe() : null;
        return new TrainedModel(bytes, card, recipe);
    }

    public List<String> classNames() {
        return card.classNames();
    }

    public String dataset() {
        return card.dataset();
    }

    /** How image files become this model's inputs. */
    public ImageFileRecipe imageFileRecipe() {
        if (recipe == null) {
            throw new EmnistNetException("the model's model.json names dataset '" + dataset() + "', which this version does not "
                    + "know, and no image_file_recipe: retrain it with this version to score image files");
        }
        return recipe;
    }

    public String sha256() {
        return bytes.sha256();
    }
}
