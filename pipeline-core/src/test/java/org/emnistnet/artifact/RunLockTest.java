package org.emnistnet.artifact;

import org.emnistnet.EmnistNetException;
import org.emnistnet.hdfs.HdfsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One training run per run directory, on a local disk and on HDFS alike. */
class RunLockTest {
    @RegisterExtension
    static final HdfsExtension HDFS = new HdfsExtension();
    @TempDir
    Path tmp;

    private RunDirectory local() {
        return RunDirectory.at(tmp.resolve("run").toUri().toString());
    }

    private RunDirectory onHdfs(String name) {
        return RunDirectory.at(HDFS.url("/runs/" + name));
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefusedWithTheOwnerNamed() {
        for (RunDirectory run : new RunDirectory[]{local(), onHdfs("busy")}) {
            try (RunLock first = RunLock.acquire(run)) {
                EmnistNetException refused = assertThrows(EmnistNetException.class, () -> RunLock.acquire(run));
                assertThat(refused.getMessage()).contains("is in use by a training run")
                        .contains("pid " + ProcessHandle.current().pid()).contains("_lock.json");
            }
            assertFalse(AtomicFiles.exists(run.file(RunLock.FILE)), "released: " + run);
            RunLock.acquire(run).close(); // free again
        }
    }

    @Test
    void aLockLeftByADeadProcessOnThisHostIsTakenOver() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        for (RunDirectory run : new RunDirectory[]{local(), onHdfs("stale")}) {
            RunLock.Owner stale = new RunLock.Owner("someone", java.net.InetAddress.getLocalHost().getHostName(),
                    dead.pid(), "2026-01-01T00:00:00Z", "old-token");
            AtomicFiles.writeJson(run.file(RunLock.FILE), stale);
            try (RunLock taken = RunLock.acquire(run)) {
                assertEquals(ProcessHandle.current().pid(), AtomicFiles.readJson(run.file(RunLock.FILE), RunLock.Owner.class).pid());
            }
        }
    }

    @Test
    void aLockHeldOnAnotherHostIsNeverTakenOver() {
        RunDirectory run = onHdfs("elsewhere");
        AtomicFiles.writeJson(run.file(RunLock.FILE), new RunLock.Owner("someone", "another-host.example", 1,
                "2026-01-01T00:00:00Z", "their-token"));
        EmnistNetException refused = assertThrows(EmnistNetException.class, () -> RunLock.acquire(run));
        assertThat(refused.getMessage()).contains("on another-host.example");
        assertTrue(AtomicFiles.exists(run.file(RunLock.FILE)), "their lock stays");
    }
}
