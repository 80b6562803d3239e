package org.emnistnet.bench;

import org.emnistnet.jobs.JobOutput;
import org.emnistnet.jobs.JobRunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** epoch-tests on something that is no training run says so, naming the file it looked for, and exits 1. */
class EpochTestJobTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderWithoutATrainingHistoryIsNamedAndRefused() throws Exception {
        Path prepared = JobOutput.tinyPreparedManifest(tmp);
        Path notARun = Files.createDirectories(tmp.resolve("holiday-photos"));
        JobOutput.Run run = JobOutput.capture(new EpochTestJob(), "--run", notARun.toString(),
                "--labels", prepared.toString(), "--master", "local[1]");
        assertEquals(JobRunner.FAILED, run.code(), run.out() + run.err());
        assertThat(run.err()).contains("holiday-photos/history.json: no epochs recorded");
        assertThat(notARun).isEmptyDirectory();
    }
}
