package org.emnistnet.train;

import org.emnistnet.UsageException;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.RunDirectory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code --resume} continues a run with the settings in its {@code run.json}. An option given on the command line
 * that contradicts them is a usage error naming each option with both values, never silently ignored: a user who
 * types {@code --resume --epochs 30} would otherwise get 15 epochs and think they got 30.
 */
public final class ResumeCheck {
    /** The options a resume compares, by their command-line names. 0 for the last three means "automatic". */
    private static final Map<String, Function<TrainingOptions, Object>> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("--epochs", o -> o.recipe().epochs());
        OPTIONS.put("--batch", o -> o.recipe().batchSize());
        OPTIONS.put("--seed", o -> o.recipe().seed());
        OPTIONS.put("--max-lr", o -> o.recipe().maxLearningRate());
        OPTIONS.put("--ema-decay", o -> o.recipe().emaDecay());
        OPTIONS.put("--limit", TrainingOptions::trainLimit);
        OPTIONS.put("--workers", TrainingOptions::workers);
        OPTIONS.put("--batch-per-worker", TrainingOptions::batchPerWorker);
        OPTIONS.put("--averaging-frequency", TrainingOptions::averagingFrequency);
    }

    private ResumeCheck() {
    }

    /**
     * @param given the options the user typed (defaults do not count)
     * @throws UsageException naming every given option whose value differs from the run's
     */
    public static void requireSameSettings(RunDirectory run, TrainingOptions requested, Set<String> given) {
        Optional<TrainingOptions> saved = RunFiles.savedOptions(run);
        if (saved.isEmpty()) {
            return; // nothing to resume: RunFiles.checkStartable says so
        }
        List<String> conflicts = conflicts(saved.get(), requested, given);
        if (!conflicts.isEmpty()) {
            throw new UsageException(HadoopFiles.display(run.file(RunDirectory.RUN_SETTINGS)) + ": --resume continues with the run's settings, "
                    + "but " + String.join("; ", conflicts) + ". Drop these options, or start a new run with another --run");
        }
    }

    static List<String> conflicts(TrainingOptions saved, TrainingOptions requested, Set<String> given) {
        List<String> conflicts = new ArrayList<>();
        OPTIONS.forEach((name, value) -> {
            Object asked = value.apply(requested);
            boolean automatic = Set.of("--workers", "--batch-per-worker", "--averaging-frequency").contains(name)
                    && asked.equals(0);
            if (given.contains(name) && !automatic && !asked.equals(value.apply(saved))) {
                conflicts.add(name + " " + asked + " was given, the run has " + value.apply(saved));
            }
        });
        return conflicts;
    }
}
