package org.emnistnet.jobs;

import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.Defaults;
import org.emnistnet.score.BatchScorer;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Map;

/**
 * The defaults of the options that set the training recipe, the split and scoring, taken from the one place that
 * holds each ({@link TrainingRecipe#reference()}, {@link Defaults}, {@link BatchScorer}) instead of
 * copied into annotations, where they would drift apart. {@code ${DEFAULT-VALUE}} in help shows these values.
 */
public final class ReferenceDefaults implements IDefaultValueProvider {
    private static final TrainingRecipe REFERENCE = TrainingRecipe.reference();
    private static final Map<String, Map<String, Object>> BY_COMMAND = Map.of(
            "train", Map.of("--epochs", REFERENCE.epochs(), "--batch", REFERENCE.batchSize(),
                    "--max-lr", REFERENCE.maxLearningRate(), "--seed", REFERENCE.seed(), "--ema-decay", REFERENCE.emaDecay()),
            "pipeline", Map.of("--epochs", REFERENCE.epochs(), "--batch", REFERENCE.batchSize()),
            "prepare", Map.of("--val-fraction", Defaults.VAL_FRACTION, "--seed", Defaults.SPLIT_SEED),
            "score", Map.of("--top-k", Defaults.TOP_K, "--batch", Defaults.INFERENCE_BATCH,
                    "--max-file-bytes", BatchScorer.DEFAULT_MAX_FILE_BYTES),
            "augment-preview", Map.of("--seed", Defaults.SEED, "--max-degrees", Defaults.ROTATION_DEGREES,
                    "--noise-std", Defaults.NOISE_STD));

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || argument.command() == null) {
            return null;
        }
        Object value = BY_COMMAND.getOrDefault(argument.command().name(), Map.of()).get(option.longestName());
        return value == null ? null : value.toString();
    }
}
