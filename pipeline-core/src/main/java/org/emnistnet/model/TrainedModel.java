package org.emnistnet.model;

import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.DatasetDescriptor;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A trained model ready to serve: {@code model.zip} verified against its SHA-256, with the class names and the
 * provenance from the {@code model.json} beside it.
 */
public record TrainedModel(ModelBytes bytes, List<String> classNames, String dataset, String imageFileRecipe,
                           Map<String, Object> provenance) implements Serializable {

    public static TrainedModel load(String modelZip) {
        return load(HadoopFiles.qualified(modelZip));
    }

    @SuppressWarnings("unchecked")
    public static TrainedModel load(org.apache.hadoop.fs.Path modelZip) {
        org.apache.hadoop.fs.Path json = new org.apache.hadoop.fs.Path(modelZip.getParent(), "model.json");
        if (!AtomicFiles.isFile(json)) {
            throw new EmnistNetException(modelZip + ": no model.json beside it (class names and provenance are needed to serve it)");
        }
        ModelCard card = AtomicFiles.readJson(json, ModelCard.class);
        Map<String, Object> provenance = AtomicFiles.readJson(json, Map.class);
        ModelBytes bytes = ModelBytes.read(modelZip, card.sha256());
        String dataset = card.dataset();
        // Recorded since the model card carries it; older models name a known dataset. Never guessed: a wrong
        // recipe scores every image file wrongly without a word.
        String recipe = card.imageFileRecipe() != null ? card.imageFileRecipe()
                : DatasetDescriptor.KNOWN.contains(dataset) ? DatasetDescriptor.named(dataset).imageFileRecipe() : null;
        return new TrainedModel(bytes, new java.util.ArrayList<>(card.classNames()), dataset, recipe, provenance);
    }

    /** How image files become this model's inputs ("emnist" or "whole-image"). */
    public String imageFileRecipe() {
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
