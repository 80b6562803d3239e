package org.emnistnet.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.ImageFileRecipe;
import org.emnistnet.artifact.Json;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A model's card, every field typed, in one JSON form: {@code model.json} beside the model file, the same card inside
 * {@code model.zip} (without the file's own SHA-256) and in {@code model.onnx}'s metadata. {@link #read} brings
 * cards of older versions to this schema through an explicit migration, so a model trained by an earlier version
 * keeps serving; a card of a newer version is refused with what to do.
 *
 * @param sha256          the model file's SHA-256; absent only in the card inside the model file itself
 * @param onnxSha256      {@code model.onnx}'s SHA-256, once exported
 * @param imageFileRecipe how image files become inputs; absent in cards of versions before it was recorded
 * @param training        how the run was distributed
 * @param weights         which weights are served: "as trained" or the moving average
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record ModelCard(@JsonProperty(value = "schema_version", required = true) int schemaVersion,
                        @JsonProperty("model") String model,
                        @JsonProperty("sha256") String sha256,
                        @JsonProperty("onnx_sha256") String onnxSha256,
                        @JsonProperty("parameters") long parameters,
                        @JsonProperty(value = "dataset", required = true) String dataset,
                        @JsonProperty(value = "class_names", required = true) List<String> classNames,
                        @JsonProperty("image_file_recipe") ImageFileRecipe imageFileRecipe,
                        @JsonProperty("prepared") String prepared,
                        @JsonProperty("dataset_manifest_sha256") String datasetManifestSha256,
                        @JsonProperty("input_sha256") Map<String, String> inputSha256,
                        @JsonProperty("recipe") TrainingRecipe recipe,
                        @JsonProperty("training") Distribution training,
                        @JsonProperty("train_images") long trainImages,
                        @JsonProperty("train_limit") long trainLimit,
                        @JsonProperty("best_epoch") int bestEpoch,
                        @JsonProperty("weights") String weights,
                        @JsonProperty("val_accuracy") double valAccuracy,
                        @JsonProperty("val_loss") double valLoss,
                        @JsonProperty("test_accuracy") double testAccuracy,
                        @JsonProperty("test_loss") double testLoss,
                        @JsonProperty("test_images") long testImages,
                        @JsonProperty("backend") String backend,
                        @JsonProperty("versions") Map<String, String> versions,
                        @JsonProperty("created") String created) implements java.io.Serializable {

    /** The schema this version writes. 1: the cards before {@code schema_version} (a top-level {@code seed}). */
    public static final int SCHEMA_VERSION = 2;
    public static final String MODEL = "EMNISTNet";

    /**
     * @param replicasPerWorker absent in cards written before a worker could split its minibatch over replicas
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Distribution(@JsonProperty("engine") String engine,
                               @JsonProperty("workers") int workers,
                               @JsonProperty("batch_per_worker") int batchPerWorker,
                               @JsonProperty("replicas_per_worker") Integer replicasPerWorker,
                               @JsonProperty("averaging_frequency") int averagingFrequency) implements java.io.Serializable {
    }

    public ModelCard {
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256: expected 64 hexadecimal digits, found " + sha256);
        }
        if (dataset == null || dataset.isBlank()) {
            throw new IllegalArgumentException("dataset: expected a dataset's name, found " + dataset);
        }
        if (classNames == null || classNames.isEmpty() || classNames.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("class_names: expected a list of names, found " + classNames);
        }
        classNames = List.copyOf(classNames);
        inputSha256 = inputSha256 == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputSha256));
        versions = versions == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(versions));
    }

    public ModelCard withSha256(String value) {
        return new ModelCard(schemaVersion, model, value, onnxSha256, parameters, dataset, classNames, imageFileRecipe,
                prepared, datasetManifestSha256, inputSha256, recipe, training, trainImages, trainLimit, bestEpoch, weights,
                valAccuracy, valLoss, testAccuracy, testLoss, testImages, backend, versions, created);
    }

    public ModelCard withOnnxSha256(String value) {
        return new ModelCard(schemaVersion, model, sha256, value, parameters, dataset, classNames, imageFileRecipe,
                prepared, datasetManifestSha256, inputSha256, recipe, training, trainImages, trainLimit, bestEpoch, weights,
                valAccuracy, valLoss, testAccuracy, testLoss, testImages, backend, versions, created);
    }

    /** The card as this version writes it. */
    public String toJson() {
        return Json.write(this);
    }

    /**
     * A card from {@code source} (a file, or the entry inside one that holds it), migrated to {@link #SCHEMA_VERSION}:
     * a missing field, a null or a value of the wrong type is an error naming the source and the field.
     */
    public static ModelCard read(String source, byte[] json) {
        JsonNode tree = AtomicFiles.parseJson(source, json, JsonNode.class);
        if (!(tree instanceof ObjectNode card)) {
            throw new EmnistNetException(source + ": not a model card (expected a JSON object)");
        }
        JsonNode version = card.get("schema_version");
        int schema = version == null ? 1 : version.isInt() ? version.intValue() : -1;
        if (schema < 1 || schema > SCHEMA_VERSION) {
            throw new EmnistNetException(source + ": a model card of schema_version " + version + "; this version reads 1 to "
                    + SCHEMA_VERSION + (schema > SCHEMA_VERSION ? ": serve it with the newer version that wrote it" : ""));
        }
        if (schema == 1) {
            fromVersion1(card);
        }
        return AtomicFiles.parseJson(source, card.toString().getBytes(StandardCharsets.UTF_8), ModelCard.class);
    }

    /**
     * Version 1 (no {@code schema_version}): the seed was written twice, at the top and in the recipe. The recipe's
     * descriptive fields (optimizer, schedule, initialisation) are still written and ignored when read.
     */
    private static void fromVersion1(ObjectNode card) {
        JsonNode seed = card.remove("seed");
        if (seed != null && card.get("recipe") instanceof ObjectNode recipe && !recipe.has("seed")) {
            recipe.set("seed", seed);
        }
        card.put("schema_version", SCHEMA_VERSION);
    }
}
