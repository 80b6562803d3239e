package org.emnistnet.artifact;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * The {@code _manifest.json} that ingest and prepare leave beside their Parquet: what the rows are (dataset,
 * classes, counts) and where they came from. Read typed: a missing or wrong-typed field is an error naming the file
 * and the field. Fields one stage does not have are null and left out of the file.
 *
 * @param transposed          ingest: the dataset stores images transposed (prepare fixes them)
 * @param imageFileRecipe     how image files of this dataset become inputs
 * @param parameters          prepare: val_fraction, seed, orientation_fixed
 * @param input               prepare: the ingest output it read
 * @param inputManifestSha256 prepare: the SHA-256 of that output's manifest
 * @param inputSha256         the IDX files' SHA-256 by file name (carried forward by prepare)
 * @param checksumsVerified   ingest: the IDX files were checked against the dataset's published checksums
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StageManifest(@JsonProperty(value = "stage", required = true) String stage,
                            @JsonProperty(value = "dataset", required = true) String dataset,
                            @JsonProperty(value = "rows", required = true) Map<String, Long> rows,
                            @JsonProperty("class_counts") Map<String, Map<String, Long>> classCounts,
                            @JsonProperty(value = "class_names", required = true) List<String> classNames,
                            @JsonProperty("transposed") Boolean transposed,
                            @JsonProperty("image_file_recipe") ImageFileRecipe imageFileRecipe,
                            @JsonProperty("parameters") PrepareParameters parameters,
                            @JsonProperty("input") String input,
                            @JsonProperty("input_manifest_sha256") String inputManifestSha256,
                            @JsonProperty("input_sha256") Map<String, String> inputSha256,
                            @JsonProperty("checksums_verified") Boolean checksumsVerified,
                            @JsonProperty("created") String created,
                            @JsonProperty("seconds") Double seconds,
                            @JsonProperty("versions") Map<String, String> versions) {
    /**
     * How prepare split and fixed the rows.
     *
     * @param orientationFixed the images were transposed back to upright (datasets stored transposed); absent in
     *                         manifests of early versions
     */
    public record PrepareParameters(@JsonProperty(value = "val_fraction", required = true) double valFraction,
                                    @JsonProperty(value = "seed", required = true) long seed,
                                    @JsonProperty("orientation_fixed") Boolean orientationFixed) {
    }

    public StageManifest {
        if (stage == null || dataset == null || rows == null || classNames == null || classNames.isEmpty()) {
            throw new IllegalArgumentException("stage, dataset, rows and class_names must be given, found stage " + stage
                    + ", dataset " + dataset + ", rows " + rows + ", class_names " + classNames);
        }
    }

    public static StageManifest ingest(String dataset, Map<String, Long> rows, Map<String, Map<String, Long>> classCounts,
                                       List<String> classNames, boolean transposed, ImageFileRecipe imageFileRecipe,
                                       Map<String, String> inputSha256, boolean checksumsVerified, double seconds,
                                       Map<String, String> versions) {
        return new StageManifest(Stage.INGEST.id(), dataset, rows, classCounts, classNames, transposed, imageFileRecipe, null, null,
                null, inputSha256, checksumsVerified, java.time.Instant.now().toString(), rounded(seconds), versions);
    }

    /** The prepare stage's manifest for rows prepared from {@code input} (ingest's manifest, read from {@code inputPath}). */
    public static StageManifest prepare(StageManifest input, String inputPath, String inputManifestSha256, Map<String, Long> rows,
                                        Map<String, Map<String, Long>> classCounts, PrepareParameters parameters,
                                        double seconds, Map<String, String> versions) {
        return new StageManifest(Stage.PREPARE.id(), input.dataset(), rows, classCounts, input.classNames(), null, input.imageFileRecipe(),
                parameters, inputPath, inputManifestSha256, input.inputSha256(), null, java.time.Instant.now().toString(),
                rounded(seconds), versions);
    }

    /** Rows that come from a DataFrame rather than a stage's output: no counts, no image recipe, no input files. */
    public static StageManifest ofDataFrame(String dataset, List<String> classNames) {
        return new StageManifest("dataframe", dataset, Map.of(), null, classNames, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** Rows of {@code split}, 0 when there is no such split. */
    public long rowsOf(String split) {
        return rows.getOrDefault(split, 0L);
    }

    private static double rounded(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }
}
