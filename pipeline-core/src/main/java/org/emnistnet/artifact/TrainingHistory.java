package org.emnistnet.artifact;

import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code RUN/history.json}: a JSON array with one {@link EpochRecord} per completed epoch, rewritten atomically. */
public final class TrainingHistory {
    private final Path file;
    private final List<EpochRecord> epochs = new ArrayList<>();

    private TrainingHistory(Path file) {
        this.file = file;
    }

    public static TrainingHistory fresh(RunDirectory run) {
        return new TrainingHistory(run.file(RunDirectory.HISTORY));
    }

    /** The history up to and including {@code lastEpoch} (later epochs had no complete checkpoint). */
    public static TrainingHistory resumedAt(RunDirectory run, int lastEpoch) {
        TrainingHistory history = fresh(run);
        history.epochs.addAll(read(history.file).stream().filter(e -> e.epoch() <= lastEpoch).toList());
        if (history.epochs.size() != lastEpoch) {
            throw new EmnistNetException(history.file + ": has " + history.epochs.size() + " epochs up to " + lastEpoch
                    + " but the checkpoint of epoch " + lastEpoch + " exists; cannot resume consistently");
        }
        return history;
    }

    /** The epochs in a history file; none when there is no file. */
    public static List<EpochRecord> read(Path file) {
        return AtomicFiles.isFile(file) ? AtomicFiles.readJson(file, new TypeReference<List<EpochRecord>>() {
        }) : List.of();
    }

    public void append(EpochRecord record) {
        epochs.add(record);
        AtomicFiles.writeJson(file, epochs);
    }

    public List<EpochRecord> epochs() {
        return List.copyOf(epochs);
    }

    public EpochRecord best() {
        return epochs.stream().max(Comparator.comparingDouble(EpochRecord::bestValAccuracy)
                .thenComparing(Comparator.comparingInt(EpochRecord::epoch).reversed())).orElseThrow();
    }
}
