package org.emnistnet.train;

import org.emnistnet.Parameter;

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
    /** The settings a resume compares. 0 for the last three means "automatic". */
    private static final Map<Parameter, Function<TrainingOptions, Object>> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put(Parameter.EPOCHS, o -> o.recipe().epochs());
        OPTIONS.put(Parameter.BATCH_SIZE, o -> o.recipe().batchSize());
        OPTIONS.put(Parameter.SEED, o -> o.recipe().seed());
        OPTIONS.put(Parameter.MAX_LEARNING_RATE, o -> o.recipe().maxLearningRate());
        OPTIONS.put(Parameter.EMA_DECAY, o -> o.recipe().emaDecay());
        OPTIONS.put(Parameter.TRAIN_LIMIT, TrainingOptions::trainLimit);
        OPTIONS.put(Parameter.WORKERS, TrainingOptions::workers);
        OPTIONS.put(Parameter.BATCH_PER_WORKER, TrainingOptions::batchPerWorker);
        OPTIONS.put(Parameter.AVERAGING_FREQUENCY, TrainingOptions::averagingFrequency);
    }

    private ResumeCheck() {
    }

    /**
     * @param given the settings the user gave (defaults do not count)
     * @throws UsageException naming every given setting whose value differs from the run's
     */
    public static void requireSameSettings(RunDirectory run, TrainingOptions requested, Set<Parameter> given) {
        Optional<TrainingOptions> saved = RunFiles.savedOptions(run);
        if (saved.isEmpty()) {
            return; // nothing to resume: RunFiles.checkStartable says so
        }
        List<String> conflicts = conflicts(saved.get(), requested, given);
        if (!conflicts.isEmpty()) {
            throw new UsageException(HadoopFiles.display(run.file(RunDirectory.RUN_SETTINGS)) + ": " + Parameter.RESUME
                    + " continues with the run's settings, but " + String.join("; ", conflicts) + ". Drop these settings, or "
                    + "start a new run with another " + Parameter.RUN);
        }
    }

    static List<String> conflicts(TrainingOptions saved, TrainingOptions requested, Set<Parameter> given) {
        List<String> conflicts = new ArrayList<>();
        OPTIONS.forEach((name, value) -> {
            Object asked = value.apply(requested);
            boolean automatic = Set.of(Parameter.WORKERS, Parameter.BATCH_PER_WORKER, Parameter.AVERAGING_FREQUENCY).contains(name)
                    && asked.equals(0);
            if (given.contains(name) && !automatic && !asked.equals(value.apply(saved))) {
                conflicts.add(name + " " + asked + " was given, the run has " + value.apply(saved));
            }
        });
        return conflicts;
    }
}
