package org.emnistnet.jobs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A job's main() with its driver inside a cluster manager (spark-submit's cluster deploy mode) ends the way the
 * manager expects: success returns (a System.exit here would end this test JVM, and on YARN make the
 * ApplicationMaster report FAILED and start the job again), failure throws the job's error line and exit code.
 */
class JobEndingTest {
    private final String before = System.getProperty("spark.submit.deployMode");

    @AfterEach
    void restoreDeployMode() {
        if (before == null) {
            System.clearProperty("spark.submit.deployMode");
        } else {
            System.setProperty("spark.submit.deployMode", before);
        }
    }

    @Test
    void aJobThatSucceedsInClusterModeReturnsFromMain() {
        System.setProperty("spark.submit.deployMode", "cluster");
        JobRunner.main(new EmnistNetCommand(), new String[]{"--version"});
    }

    @Test
    void aFailedJobInClusterModeThrowsItsErrorLineForTheClusterManagersDiagnostics() {
        System.setProperty("spark.submit.deployMode", "cluster");
        JobRunner.JobFailedException failed = assertThrows(JobRunner.JobFailedException.class,
                () -> JobRunner.main(new FetchJob(), new String[]{"--stall-timeout", "0"}));
        assertEquals(JobRunner.USAGE, failed.exitCode);
        assertThat(failed.getMessage()).isEqualTo("emnistnet fetch: error: --stall-timeout must be a positive number"
                + " of seconds, got 0 (exit code 2)");
    }
}
