package org.emnistnet.bench;

import org.emnistnet.jobs.JobOutput;
import org.emnistnet.jobs.JobRunner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lab's tools refuse what they cannot do before any measurement, as the jobs do (exit 2). */
class BenchUsageTest {
    @Test
    void aMisspeltEngineIsRefusedInsteadOfRunningAnother() {
        JobOutput.Run run = JobOutput.capture(new TrainBenchmarkJob(), "--engine", "sprak");
        assertEquals(JobRunner.USAGE, run.code());
        assertThat(run.err()).contains("--engine").contains("local, spark, profile");
    }

    @Test
    void theLauncherNamesItsToolsAndTheProductHasNone() {
        JobOutput.Run bench = JobOutput.capture(new BenchCommand());
        assertEquals(JobRunner.USAGE, bench.code());
        assertThat(bench.err()).contains("benchmark-train", "benchmark-score", "benchmark-augment", "epoch-tests");
        JobOutput.Run product = JobOutput.capture(new org.emnistnet.jobs.EmnistNetCommand());
        assertThat(product.err()).contains("train", "score").doesNotContain("benchmark-", "epoch-tests");
    }
}
