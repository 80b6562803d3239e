package org.emnistnet.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.DatasetDescriptor;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained model ready to serve: {@code model.zip} verified against its SHA-256, with the class names and the
 * provenance from the {@code model.json} beside it.
 */
public record TrainedModel(ModelBytes bytes, List<String> classNames, String dataset, String imageFileRecipe,
                           Map<String, Object> provenance) implements Serializable {

    @SuppressWarnings("unchecked")
    public static TrainedModel load(Path modelZip) {
        Path json = modelZip.resolveSibling("model.json");
        if (!Files.isRegularFile(json)) {
            throw new EmnistNetException(modelZip + ": no model.json beside it (class names and provenance are needed to serve it)");
        }
        Map<String, Object> provenance;
        try {
            provenance = new ObjectMapper().readValue(json.toFile(), Map.class);
        } catch (IOException e) {
            throw new EmnistNetException(json + ": not valid JSON: " + e.getMessage(), e);
        }
        ModelBytes bytes = ModelBytes.read(modelZip, (String) provenance.get("sha256"));
        String dataset = String.valueOf(provenance.get("dataset"));
        String recipe = DatasetDescriptor.KNOWN.contains(dataset) ? DatasetDescriptor.named(dataset).imageFileRecipe() : "whole-image";
        return new TrainedModel(bytes, (List<String>) provenance.get("class_names"), dataset, recipe, provenance);
    }

    public String sha256() {
        return bytes.sha256();
    }
}
