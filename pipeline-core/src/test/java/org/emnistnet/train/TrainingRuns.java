package org.emnistnet.train;

import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.Sidecars;
import org.emnistnet.artifact.TrainingHistory;
import org.emnistnet.model.TrainingRecipe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Real training runs on the shared prepared Fashion-MNIST, and what the tests read back from their directories. */
final class TrainingRuns {
    /** 3 epochs of 2,000 images, 2 workers x 64, averaging every 5 minibatches: a few seconds an epoch. */
    static final TrainingOptions SHORT = new TrainingOptions(TrainingRecipe.reference().withEpochs(3), 2, 64, 5, 2000);

    private static Finished uninterrupted;

    /** A finished run: its directory and what its training returned. */
    record Finished(Path run, TrainingRun.Result result) {
    }

    private TrainingRuns() {
    }

    /**
     * One uninterrupted {@link #SHORT} run per test JVM, trained by the first test that asks: what a killed and resumed
     * run must end as, and what the files of a finished run are checked on. Read it; copy it to change it.
     */
    static synchronized Finished uninterrupted() {
        if (uninterrupted == null) {
            Path run = org.emnistnet.JvmTempDirectory.create("emnistnet-uninterrupted").resolve("run");
            uninterrupted = new Finished(run, train(run, false, line -> { }));
        }
        return uninterrupted;
    }

    static TrainingRun.Result train(Path run, TrainingOptions options, boolean resume, Consumer<String> progress) {
        return new TrainingRun(SparkTestSession.get()).train(PreparedFashionMnist.path(), runDirectory(run), options, resume, progress);
    }

    static TrainingRun.Result train(Path run, boolean resume, Consumer<String> progress) {
        return train(run, SHORT, resume, progress);
    }

    /** A {@link #SHORT} run in {@code run} killed as it reports {@code epoch} (its checkpoint written, nothing after it). */
    static Path killedAfterEpoch(Path run, int epoch) {
        assertThrows(Killed.class, () -> train(run, false, line -> {
            if (line.startsWith("epoch " + epoch + "/")) {
                throw new Killed();
            }
        }));
        return run;
    }

    static RunDirectory runDirectory(Path run) {
        return RunDirectory.at(run.toUri().toString());
    }

    static Path checkpoint(Path run, int epoch) {
        return Path.of(new CheckpointStore(runDirectory(run)).fileOf(epoch).toUri());
    }

    static List<EpochRecord> history(Path run) {
        return TrainingHistory.read(runDirectory(run).file(RunDirectory.HISTORY));
    }

    static String sidecar(Path file) {
        return Sidecars.readSidecar(new org.apache.hadoop.fs.Path(file.toUri()));
    }

    /** A copy of a run directory, for a test to damage or continue without touching the shared one. */
    static Path copy(Path run, Path to) {
        try (Stream<Path> files = Files.walk(run)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(run.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stands for the driver dying between two epochs. */
    static final class Killed extends RuntimeException {
    }
}
