package org.emnistnet.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What serving needs from a model's {@code model.json}, read typed: a missing field, a null or a value of the
 * wrong type is an error naming the file and the field (Jackson's reference chain), never a ClassCastException
 * in the middle of a job. The file holds more (metrics, recipe, versions): {@link TrainedModel#provenance()}.
 *
 * @param imageFileRecipe how image files become inputs; absent in models of older versions
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(@JsonProperty(value = "sha256", required = true) String sha256,
                        @JsonProperty(value = "dataset", required = true) String dataset,
                        @JsonProperty(value = "class_names", required = true) List<String> classNames,
                        @JsonProperty("image_file_recipe") org.emnistnet.artifact.ImageFileRecipe imageFileRecipe) {
    public ModelCard {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256: expected 64 hexadecimal digits, found " + sha256);
        }
        if (dataset == null || dataset.isBlank()) {
            throw new IllegalArgumentException("dataset: expected a dataset's name, found " + dataset);
        }
        if (classNames == null || classNames.isEmpty() || classNames.contains(null)) {
            throw new IllegalArgumentException("class_names: expected a list of names, found " + classNames);
        }
        classNames = List.copyOf(classNames);
    }
}
