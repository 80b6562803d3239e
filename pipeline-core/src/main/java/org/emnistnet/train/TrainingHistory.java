package org.emnistnet.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.emnistnet.EmnistNetException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code RUN/history.json}: a JSON array with one {@link EpochRecord} per completed epoch, rewritten atomically. */
public final class TrainingHistory {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;
    private final List<EpochRecord> epochs = new ArrayList<>();

    private TrainingHistory(Path file) {
        this.file = file;
    }

    public static TrainingHistory fresh(Path runDirectory) {
        return new TrainingHistory(runDirectory.resolve("history.json"));
    }

    /** The history up to and including {@code lastEpoch} (later epochs had no complete checkpoint). */
    public static TrainingHistory resumedAt(Path runDirectory, int lastEpoch) {
        TrainingHistory history = fresh(runDirectory);
        history.epochs.addAll(read(history.file).stream().filter(e -> e.epoch() <= lastEpoch).toList());
        if (history.epochs.size() != lastEpoch) {
            throw new EmnistNetException(history.file + ": has " + history.epochs.size() + " epochs up to " + lastEpoch
                    + " but the checkpoint of epoch " + lastEpoch + " exists; cannot resume consistently");
        }
        return history;
    }

    public static List<EpochRecord> read(Path file) {
        try {
            return Files.isRegularFile(file) ? JSON.readValue(file.toFile(), new TypeReference<List<EpochRecord>>() {
            }) : List.of();
        } catch (IOException e) {
            throw new EmnistNetException(file + ": not a valid training history: " + e.getMessage(), e);
        }
    }

    public void append(EpochRecord record) {
        epochs.add(record);
        try {
            Path part = file.resolveSibling(file.getFileName() + ".part");
            JSON.writeValue(part.toFile(), epochs);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public List<EpochRecord> epochs() {
        return List.copyOf(epochs);
    }

    public EpochRecord best() {
        return epochs.stream().max(Comparator.comparingDouble(EpochRecord::valAccuracy)
                .thenComparing(Comparator.comparingInt(EpochRecord::epoch).reversed())).orElseThrow();
    }
}
