package org.emnistnet.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.netty.SparkTransportConf;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.apache.spark.network.util.TransportConf;
import org.emnistnet.EmnistNetException;
import org.emnistnet.UsageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Before a job starts on a standalone cluster with authentication, one authenticated connection to each master:
 * Spark itself retries a refused registration 3 times 20 s apart and then fails with "All masters are
 * unresponsive", which says nothing about the secret. Here a wrong secret fails in a second, saying so.
 */
final class ClusterSecretCheck {
    private ClusterSecretCheck() {
    }

    /**
     * A job started by bin/emnistnet on the project's own cluster authenticates with that cluster's secret, read
     * from {@code DIR/secret} (mode 600) into the configuration, never onto a command line: {@code explicitDir}
     * (--cluster-dir) must hold one, {@code defaultDir} (this checkout's work/cluster) is used when it does. A
     * secret the configuration already has (spark-submit, --conf) is kept.
     */
    static void useClusterSecret(SparkConf conf, String explicitDir, String defaultDir) {
        if (!conf.get("spark.master", "").startsWith("spark://")) {
            if (explicitDir != null) {
                throw new UsageException("--cluster-dir is for a standalone master (--master spark://...), not "
                        + conf.get("spark.master", "local"));
            }
            return;
        }
        String dir = explicitDir != null ? explicitDir : defaultDir;
        if (dir == null || conf.contains("spark.authenticate.secret")) {
            return;
        }
        Path secret = Path.of(dir, "secret");
        if (!Files.isRegularFile(secret)) {
            if (explicitDir != null) {
                throw new EmnistNetException("--cluster-dir " + dir + " holds no secret (" + secret + " is written by"
                        + " bin/cluster start --dir " + dir + " and removed by its stop): is its cluster running?");
            }
            return;
        }
        try {
            conf.set("spark.authenticate", "true");
            conf.set("spark.authenticate.secret", Files.readString(secret).strip());
        } catch (IOException e) {
            throw new EmnistNetException(secret + ": cannot read the cluster's secret: " + e.getMessage(), e);
        }
    }

    static void check(SparkConf conf) {
        String master = conf.get("spark.master", "");
        if (!master.startsWith("spark://") || !conf.getBoolean("spark.authenticate", false)) {
            return;
        }
        org.apache.spark.SecurityManager security = new org.apache.spark.SecurityManager(conf, scala.Option.empty(),
                org.apache.spark.internal.config.package$.MODULE$.AUTH_SECRET_FILE());
        try {
            security.initializeAuth();
        } catch (IllegalArgumentException e) {
            throw new EmnistNetException("authentication is on (spark.authenticate) but this application has no secret:"
                    + " give --cluster-dir DIR (bin/emnistnet or bin/submit: it reads DIR/secret) or set spark.authenticate.secret", e);
        }
        TransportConf transport = SparkTransportConf.fromSparkConf(conf, "rpc", 1, scala.Option.empty());
        // Spark logs a refused handshake as an ERROR with two stack traces; the one line below says it all
        String noisy = TransportClientFactory.class.getName();
        org.apache.logging.log4j.Level level = org.apache.logging.log4j.LogManager.getLogger(noisy).getLevel();
        org.apache.logging.log4j.core.config.Configurator.setLevel(noisy, org.apache.logging.log4j.Level.OFF);
        try {
            connectToAMaster(master, transport, security);
        } finally {
            org.apache.logging.log4j.core.config.Configurator.setLevel(noisy, level);
        }
    }

    private static void connectToAMaster(String master, TransportConf transport, org.apache.spark.SecurityManager security) {
        Exception unreachable = null;
        for (String address : master.substring("spark://".length()).split(",")) {
            int colon = address.lastIndexOf(':');
            try (TransportContext context = new TransportContext(transport, new NoOpRpcHandler());
                 TransportClientFactory clients = context.createClientFactory(
                         List.of(new AuthClientBootstrap(transport, security.getSaslUser(), security)))) {
                clients.createClient(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))).close();
                return; // one master that accepts us is enough (the others are standbys)
            } catch (Exception e) {
                if (!causedBy(e, java.net.ConnectException.class)) {
                    throw new EmnistNetException("the Spark master at " + address + " refused this application's"
                            + " secret (spark.authenticate.secret, or the cluster directory's secret given to bin/submit"
                            + " with --cluster-dir): " + rootCause(e), e);
                }
                unreachable = e; // a standby that is down: try the next
            }
        }
        throw new EmnistNetException("no Spark master listens at " + master, unreachable);
    }

    private static String rootCause(Throwable error) {
        Throwable root = InputFailures.root(error);
        return root.getMessage() == null ? root.getClass().getSimpleName() : InputFailures.firstLine(root.getMessage());
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
