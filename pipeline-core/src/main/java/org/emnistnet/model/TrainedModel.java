package org.emnistnet.model;

import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.ImageFileRecipe;
import org.emnistnet.artifact.Json;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.DatasetDescriptor;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A trained model ready to serve: {@code model.zip} verified against its SHA-256, with the class names and the
 * provenance from the {@code model.json} beside it.
 */
public record TrainedModel(ModelBytes bytes, List<String> classNames, String dataset, ImageFileRecipe imageFileRecipe,
                           Map<String, Object> provenance) implements Serializable {

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
    @SuppressWarnings("unchecked")
    public static TrainedModel load(org.apache.hadoop.fs.Path modelZip, boolean withOnnx) {
        org.apache.hadoop.fs.Path json = new org.apache.hadoop.fs.Path(modelZip.getParent(), RunDirectory.MODEL_CARD);
        ModelBytes bytes;
        Map<String, Object> provenance;
        String cardSource;
        if (AtomicFiles.isFile(json)) {
            cardSource = json.toString();
            provenance = AtomicFiles.readJson(json, Map.class);
            bytes = ModelBytes.read(modelZip, AtomicFiles.readJson(json, ModelCard.class).sha256());
            if (withOnnx && provenance.get(OnnxModelFile.SHA256_FIELD) instanceof String onnxSha) {
                org.apache.hadoop.fs.Path onnx = new org.apache.hadoop.fs.Path(modelZip.getParent(), RunDirectory.MODEL_ONNX);
                bytes = bytes.withOnnx(OnnxModelFile.read(onnx, onnxSha, provenance), onnx.toString());
            }
        } else {
            bytes = ModelBytes.readAlone(modelZip);
            cardSource = modelZip + " (its model card)";
            String inside = ModelZip.card(modelZip.toString(), bytes.bytes()).orElseThrow(() -> new EmnistNetException(modelZip
                    + ": no model.json beside it and no model card inside it (class names and provenance are needed to serve it)"));
            provenance = AtomicFiles.parseJson(cardSource, inside.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.class);
            provenance.put("sha256", bytes.sha256());
        }
        ModelCard card = AtomicFiles.parseJson(cardSource, Json.MAPPER.valueToTree(provenance).toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), ModelCard.class);
        String dataset = card.dataset();
        // Recorded since the model card carries it; older models name a known dataset. Never guessed: a wrong
        // recipe scores every image file wrongly without a word.
        ImageFileRecipe recipe = card.imageFileRecipe() != null ? card.imageFileRecipe()
                : DatasetDescriptor.KNOWN.contains(dataset) ? DatasetDescriptor.named(dataset).imageFileRecipe() : null;
        return new TrainedModel(bytes, new java.util.ArrayList<>(card.classNames()), dataset, recipe, provenance);
    }

    /** How image files become this model's inputs. */
    public ImageFileRecipe imageFileRecipe() {
        if (imageFileRecipe == null) {
            throw new EmnistNetException("the model's model.json names dataset '" + dataset + "', which this version does not "
                    + "know, and no image_file_recipe: retrain it with this version to score image files");
        }
        return imageFileRecipe;
    }

    public String sha256() {
        return bytes.sha256();
    }
}
