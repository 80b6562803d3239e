package org.emnistnet.artifact;

import org.junit.jupiter.api.Tag;
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
@Tag("hdfs")
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
                    dead.pid(), "2026-01-01T00:00:00Z", "old-token", null);
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
                "2026-01-01T00:00:00Z", "their-token", null));
        EmnistNetException refused = assertThrows(EmnistNetException.class, () -> RunLock.acquire(run));
        assertThat(refused.getMessage()).contains("on another-host.example");
        assertTrue(AtomicFiles.exists(run.file(RunLock.FILE)), "their lock stays");
    }

    @Test
    void aLaterAttemptOfTheSameApplicationTakesOverTheLockItsLostAttemptLeftOnAnotherHost() {
        RunDirectory run = onHdfs("attempts");
        ApplicationAttempt first = new ApplicationAttempt("application_1_0001", 1);
        AtomicFiles.writeJson(run.file(RunLock.FILE), new RunLock.Owner("yarn", "node-7.example", 1,
                "2026-01-01T00:00:00Z", "attempt-1-token", first));
        ApplicationAttempt second = new ApplicationAttempt("application_1_0001", 2);
        assertTrue(RunLock.leftByEarlierAttempt(run, second), "attempt 2 continues what attempt 1 started");
        assertFalse(RunLock.leftByEarlierAttempt(run, first), "an attempt does not follow itself");
        assertFalse(RunLock.leftByEarlierAttempt(run, new ApplicationAttempt("application_1_0002", 2)), "another application");
        assertFalse(RunLock.leftByEarlierAttempt(run, null), "no cluster manager: no attempts");
        try (RunLock taken = RunLock.acquire(run, second)) {
            assertEquals(second, AtomicFiles.readJson(run.file(RunLock.FILE), RunLock.Owner.class).applicationAttempt());
        }
    }

    @Test
    void anotherApplicationNeverTakesOverALockHeldOnAnotherHost() {
        RunDirectory run = onHdfs("other-application");
        AtomicFiles.writeJson(run.file(RunLock.FILE), new RunLock.Owner("yarn", "node-7.example", 1,
                "2026-01-01T00:00:00Z", "their-token", new ApplicationAttempt("application_1_0001", 1)));
        EmnistNetException refused = assertThrows(EmnistNetException.class,
                () -> RunLock.acquire(run, new ApplicationAttempt("application_1_0002", 2)));
        assertThat(refused.getMessage()).contains("on node-7.example");
    }
}
