package org.emnistnet.artifact;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.UUID;

/**
 * One training run at a time per run directory: {@code RUN/_lock.json} names the owner (user, host, PID, start
 * time). It is created atomically (HDFS: the NameNode's create-if-absent; a local disk: {@code CREATE_NEW}), so of
 * two runs started together exactly one gets it. A lock left by a process that died on this host is taken over;
 * one held by a live process, or by another host (whose processes we cannot see), is refused with its owner named.
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    public static final String FILE = "_lock.json";

    private final Path file;
    private final Owner owner;

    private RunLock(Path file, Owner owner) {
        this.file = file;
        this.owner = owner;
    }

    /** What the lock file says. */
    public record Owner(@JsonProperty("user") String user, @JsonProperty("host") String host,
                        @JsonProperty("pid") long pid, @JsonProperty("started") String started,
                        @JsonProperty("token") String token,
                        @JsonProperty("application_attempt") ApplicationAttempt applicationAttempt) {
        static Owner ofThisProcess(ApplicationAttempt attempt) {
            return new Owner(System.getProperty("user.name"), LocalProcesses.host(), LocalProcesses.pid(),
                    Instant.now().toString(), UUID.randomUUID().toString(), attempt);
        }

        boolean isDeadProcessOnThisHost() {
            return LocalProcesses.isDeadOnThisHost(host, pid);
        }
    }

    /** Takes the run directory's lock, or fails naming who holds it. */
    public static RunLock acquire(RunDirectory run) {
        return acquire(run, null);
    }

    /**
     * Takes the run directory's lock for {@code attempt} (null when no cluster manager numbers this driver's
     * attempts), or fails naming who holds it. A lock left by an earlier attempt of the same application is taken
     * over wherever that attempt ran: the cluster manager starts a new attempt only once the earlier one is gone.
     */
    public static RunLock acquire(RunDirectory run, ApplicationAttempt attempt) {
        Path file = run.file(FILE);
        Owner me = Owner.ofThisProcess(attempt);
        for (int tries = 0; tries < 2; tries++) {
            if (tryCreate(file, me)) {
                return new RunLock(file, me);
            }
            Owner holder = AtomicFiles.readJson(file, Owner.class);
            if (attempt != null && attempt.follows(holder.applicationAttempt())) {
                LOG.warn("{}: taking over the lock of {}, which its cluster manager has given up on", run, holder.applicationAttempt());
                AtomicFiles.delete(file);
                continue;
            }
            if (!holder.isDeadProcessOnThisHost()) {
                throw new EmnistNetException(run + " is in use by a training run of " + holder.user() + " on "
                        + holder.host() + " (pid " + holder.pid() + ", started " + holder.started() + "); wait for it to end,"
                        + " or, if that process is gone, delete " + HadoopFiles.display(file));
            }
            LOG.warn("{}: taking over the lock of pid {} on this host, which is no longer running", run, holder.pid());
            AtomicFiles.delete(file);
        }
        throw new EmnistNetException(run + ": another run took the lock while a stale one was being removed");
    }

    /**
     * True if the run directory's lock was left by an earlier attempt of {@code attempt}'s application: that attempt
     * started this run and was lost before it ended, so this one should continue it.
     */
    public static boolean leftByEarlierAttempt(RunDirectory run, ApplicationAttempt attempt) {
        Path file = run.file(FILE);
        return attempt != null && AtomicFiles.isFile(file) && attempt.follows(AtomicFiles.readJson(file, Owner.class).applicationAttempt());
    }

    private static boolean tryCreate(Path file, Owner owner) {
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(owner);
            if (HadoopFiles.isLocal(file)) {
                java.nio.file.Path local = Paths.get(HadoopFiles.fileSystem(file).makeQualified(file).toUri());
                Files.createDirectories(local.getParent());
                Files.write(local, bytes, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                return true;
            }
            try (FSDataOutputStream out = HadoopFiles.fileSystem(file).create(file, false)) {
                out.write(bytes);
            }
            return true;
        } catch (java.nio.file.FileAlreadyExistsException | FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (AtomicFiles.exists(file)) {
                return false; // HDFS reports create-if-absent losers with a RemoteException wrapping the above
            }
            throw new EmnistNetException("cannot create the lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Releases the lock if it is still ours. */
    @Override
    public void close() {
        if (AtomicFiles.isFile(file) && owner.token().equals(AtomicFiles.readJson(file, Owner.class).token())) {
            AtomicFiles.delete(file);
        }
    }
}
