package org.emnistnet.jobs;

import org.apache.spark.SparkUserAppException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A job's main() under spark-submit ends the way a cluster manager expects: success returns (a System.exit here
 * would end this test JVM, and on YARN make the ApplicationMaster report FAILED and start the job again), failure
 * throws, carrying the launcher's exit code in client mode and the job's error line in cluster mode.
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
    void aJobThatSucceedsReturnsFromMainInEitherDeployMode() throws Exception {
        for (String mode : new String[]{"client", "cluster"}) {
            System.setProperty("spark.submit.deployMode", mode);
            JobRunner.main(new EmnistNetCommand(), new String[]{"--version"});
        }
    }

    @Test
    void aFailedJobInClientModeThrowsWhatSparkSubmitTurnsIntoItsExitCode() {
        System.setProperty("spark.submit.deployMode", "client");
        SparkUserAppException usage = assertThrows(SparkUserAppException.class,
                () -> JobRunner.main(new FetchJob(), new String[]{"--stall-timeout", "0"}));
        assertEquals(JobRunner.USAGE, usage.exitCode());
        SparkUserAppException failed = assertThrows(SparkUserAppException.class,
                () -> JobRunner.main(new ExportOnnxJob(), new String[]{"--model", "/nonexistent/model.zip", "--out", "/nonexistent/m.onnx"}));
        assertEquals(JobRunner.FAILED, failed.exitCode());
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
