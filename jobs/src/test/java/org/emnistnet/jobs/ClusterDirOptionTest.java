package org.emnistnet.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code --cluster-dir}: a job launched with bin/emnistnet authenticates with the project's own bin/cluster by its
 * secret file, or says in one line why it cannot, before Spark starts (Spark alone retries SASL for 60 s, then
 * exits 3 with "LiveListenerBus is stopped"). With a running cluster: {@code StandaloneClusterIT}.
 */
class ClusterDirOptionTest {
    @TempDir
    Path tmp;

    private static String closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    private JobOutput.Run ingest(String master, Path clusterDir) {
        return JobOutput.capture(new IngestJob(), "--dataset", "fashion-mnist", "--out", tmp.resolve("raw").toString(),
                "--master", master, "--cluster-dir", clusterDir.toString());
    }

    @Test
    void aClusterDirWithoutASecretIsOneLineAndNothingIsWritten() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-a-cluster"));
        JobOutput.Run run = ingest("spark://127.0.0.1:" + closedPort(), empty);
        assertEquals(JobRunner.FAILED, run.code(), run.out() + run.err());
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("--cluster-dir " + empty + " holds no secret").contains("is its cluster running?");
        assertFalse(Files.exists(tmp.resolve("raw")));
    }

    @Test
    void theSecretOfAClusterDirAuthenticatesTheJobBeforeSparkStarts() throws Exception {
        Path cluster = Files.createDirectories(tmp.resolve("cluster"));
        Files.writeString(cluster.resolve("secret"), "s3cret");
        String port = closedPort();
        // with the secret the job checks the master at once; nobody listens there, so it says that
        JobOutput.Run run = ingest("spark://127.0.0.1:" + port, cluster);
        assertEquals(JobRunner.FAILED, run.code(), run.out() + run.err());
        assertThat(run.err()).contains("no Spark master listens at spark://127.0.0.1:" + port);
        assertFalse(Files.exists(tmp.resolve("raw")));
    }

    @Test
    void aClusterDirWithAnotherMasterIsAUsageError() throws Exception {
        JobOutput.Run run = ingest("local[1]", Files.createDirectories(tmp.resolve("cluster")));
        assertEquals(JobRunner.USAGE, run.code(), run.out() + run.err());
        assertThat(run.err()).contains("--cluster-dir is for a standalone master (--master spark://...), not local[1]");
    }
}
