package org.emnistnet.train;

import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.RunDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.emnistnet.train.TrainingRuns.checkpoint;
import static org.emnistnet.train.TrainingRuns.copy;
import static org.emnistnet.train.TrainingRuns.history;
import static org.emnistnet.train.TrainingRuns.killedAfterEpoch;
import static org.emnistnet.train.TrainingRuns.runDirectory;
import static org.emnistnet.train.TrainingRuns.train;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A training run whose driver died resumes to the history of an uninterrupted one, and a run whose files were damaged
 * is refused naming the file and what to do. Two killed runs are trained once for the class (after epoch 1 and after
 * epoch 2); each test damages or resumes its own copy.
 */
@Tag("slow")
class TrainingResumeTest {
    @TempDir
    static Path shared;
    private static Path killedAfterEpoch1;
    private static Path killedAfterEpoch2;
    @TempDir
    Path tmp;

    @BeforeAll
    static void killTwoRuns() {
        killedAfterEpoch1 = killedAfterEpoch(shared.resolve("killed-1"), 1);
        killedAfterEpoch2 = killedAfterEpoch(shared.resolve("killed-2"), 2);
    }

    @Test
    void aRunKilledAfterAnEpochResumesToTheSameHistory() throws Exception {
        List<EpochRecord> uninterrupted = history(TrainingRuns.uninterrupted().run());

        Path run = copy(killedAfterEpoch2, tmp.resolve("killed"));
        // a crash while epoch 3 was being checkpointed leaves a file without its .sha256 sidecar, and a crash in
        // the middle of an epoch its staged minibatches
        Files.writeString(checkpoint(run, 3), "half a zip");
        Path staleStaging = Files.createDirectories(run.resolve("staging").resolve("epoch-3-killed"));
        Files.writeString(staleStaging.resolve("part-00000-000000.bin"), "a staged minibatch");
        assertEquals(2, history(run).size());

        List<EpochRecord> resumed = train(run, true, line -> { }).history();
        assertEquals(3, resumed.size());
        assertFalse(Files.exists(run.resolve("staging")), "staged minibatches are cleaned up, stale ones too");
        org.emnistnet.artifact.SameRun.assertSameHistory(uninterrupted, resumed);
    }

    @Test
    void aDriverKilledBetweenACheckpointAndItsHistoryLineResumesFromTheEpochBoth() throws Exception {
        Path run = copy(killedAfterEpoch2, tmp.resolve("run"));
        // as if killed after epoch 2's checkpoint was complete but before its line reached history.json
        List<EpochRecord> two = history(run);
        org.emnistnet.artifact.AtomicFiles.writeJson(runDirectory(run).file(RunDirectory.HISTORY), two.subList(0, 1));
        List<EpochRecord> resumed = train(run, true, line -> { }).history();
        assertEquals(List.of(1, 2, 3), resumed.stream().map(EpochRecord::epoch).toList());
    }

    @Test
    void aCheckpointWhoseSha256DoesNotMatchIsRefused() throws Exception {
        Path run = copy(killedAfterEpoch1, tmp.resolve("run"));
        Path checkpoint = checkpoint(run, 1);
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(checkpoint, bytes);

        EmnistNetException error = assertThrows(EmnistNetException.class, () -> train(run, true, line -> { }));
        assertThat(error.getMessage()).contains("epoch-01.zip").contains("SHA-256 mismatch").contains("train again into a new `run`");
    }

    @Test
    void aTruncatedLatestCheckpointIsRefusedSayingHowToResumeFromTheOneBefore() throws Exception {
        Path run = copy(killedAfterEpoch2, tmp.resolve("run"));
        Path latest = checkpoint(run, 2);
        byte[] whole = Files.readAllBytes(latest);
        Files.write(latest, java.util.Arrays.copyOf(whole, whole.length / 3)); // a disk that filled up
        EmnistNetException error = assertThrows(EmnistNetException.class, () -> train(run, true, line -> { }));
        assertThat(error.getMessage()).contains("epoch-02.zip: SHA-256 mismatch")
                .contains("to resume from epoch 1 instead (epoch 2 is trained again), move epoch-02.zip and epoch-02.zip.sha256 out of");

        Path aside = Files.createDirectories(tmp.resolve("aside"));
        Files.move(latest, aside.resolve("epoch-02.zip"));
        Files.move(latest.resolveSibling("epoch-02.zip.sha256"), aside.resolve("epoch-02.zip.sha256"));
        List<String> lines = new java.util.ArrayList<>();
        List<EpochRecord> resumed = train(run, true, lines::add).history();
        assertEquals(List.of(1, 2, 3), resumed.stream().map(EpochRecord::epoch).toList());
    }

    @Test
    void aDamagedSidecarIsNamedAsTheFileThatIsWrong() throws Exception {
        Path run = copy(killedAfterEpoch1, tmp.resolve("run"));
        Path sidecar = checkpoint(run, 1).resolveSibling("epoch-01.zip.sha256");
        Files.writeString(sidecar, "3f2a  epoch-01.zip\n"); // a sum cut short
        EmnistNetException error = assertThrows(EmnistNetException.class, () -> train(run, true, line -> { }));
        assertThat(error.getMessage()).contains("epoch-01.zip.sha256: damaged (expected '<64 hex digits>  epoch-01.zip', found '3f2a  epoch-01.zip')")
                .doesNotContain("corrupt or modified");
    }

    @Test
    void startingOverAnExistingRunNeedsResume() {
        Path run = copy(killedAfterEpoch1, tmp.resolve("run"));
        EmnistNetException error = assertThrows(EmnistNetException.class, () -> train(run, false, line -> { }));
        assertThat(error.getMessage()).contains("already holds a training run").contains("pass `resume`");
        assertFalse(Files.exists(run.resolve("model.zip")));
    }

    @Test
    void aRunWhoseSettingsFileIsGoneIsNotResumedWithOtherSettings() throws Exception {
        Path run = copy(killedAfterEpoch1, tmp.resolve("run"));
        Files.delete(run.resolve("run.json"));
        byte[] checkpoint = Files.readAllBytes(checkpoint(run, 1));

        EmnistNetException error = assertThrows(EmnistNetException.class, () -> train(run, true, line -> { }));
        assertThat(error.getMessage()).contains("run.json is missing").contains("`resume` cannot continue");
        assertThat(Files.readAllBytes(checkpoint(run, 1))).as("its checkpoint untouched").isEqualTo(checkpoint);
        assertFalse(Files.exists(run.resolve("run.json")), "no settings written over the run");
    }
}
