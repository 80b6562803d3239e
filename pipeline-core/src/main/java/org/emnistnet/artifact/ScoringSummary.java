package org.emnistnet.artifact;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * The {@code _summary.json} of a scoring output: counts (taken from the written data), what was scored and with
 * which model. For a prepared split the input is cited by its manifest's SHA-256; for an image folder by the number
 * and total bytes of the files listed (and the symbolic links skipped, by reason). Fields that do not apply are null
 * and left out of the file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScoringSummary(@JsonProperty(value = "inputs", required = true) long inputs,
                             @JsonProperty(value = "scored", required = true) long scored,
                             @JsonProperty(value = "failed", required = true) long failed,
                             @JsonProperty(value = "failed_by_reason", required = true) Map<String, Long> failedByReason,
                             @JsonProperty("input") String input,
                             @JsonProperty("input_manifest_sha256") String inputManifestSha256,
                             @JsonProperty("input_split") String inputSplit,
                             @JsonProperty("input_files") Long inputFiles,
                             @JsonProperty("input_bytes") Long inputBytes,
                             @JsonProperty("skipped_links") Map<String, Long> skippedLinks,
                             @JsonProperty(value = "model_sha256", required = true) String modelSha256,
                             @JsonProperty("model_dataset") String modelDataset,
                             @JsonProperty("format") String format,
                             @JsonProperty("backend") String backend,
                             @JsonProperty("created") String created,
                             @JsonProperty("versions") Map<String, String> versions) {
    public static final String FILE_NAME = "_summary.json";

    /** The counts of a scoring output. */
    public record Counts(long inputs, long scored, long failed, Map<String, Long> failedByReason) {
    }

    /** What was scored: a prepared split (manifest SHA-256 and split) or a folder (files, bytes, links skipped). */
    public record Input(String inputManifestSha256, String inputSplit, Long inputFiles, Long inputBytes,
                        Map<String, Long> skippedLinks) {
        public static Input split(String manifestSha256, String split) {
            return new Input(manifestSha256, split, null, null, null);
        }

        public static Input folder(long files, long bytes, Map<String, Long> skippedLinks) {
            return new Input(null, null, files, bytes, skippedLinks);
        }

        public static Input rows() {
            return new Input(null, null, null, null, null);
        }
    }

    public static ScoringSummary of(Counts counts, String input, Input facts, String modelSha256, String modelDataset,
                                    String format, String backend, Map<String, String> versions) {
        return new ScoringSummary(counts.inputs(), counts.scored(), counts.failed(), counts.failedByReason(), input,
                facts.inputManifestSha256(), facts.inputSplit(), facts.inputFiles(), facts.inputBytes(), facts.skippedLinks(),
                modelSha256, modelDataset, format, backend, java.time.Instant.now().toString(), versions);
    }

    /** One line for a terminal: "N of M scored, failed {reason=count}". */
    public String line() {
        return scored + " of " + inputs + " scored, failed " + failedByReason;
    }
}
