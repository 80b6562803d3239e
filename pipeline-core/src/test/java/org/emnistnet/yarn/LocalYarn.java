package org.emnistnet.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.emnistnet.hdfs.LocalHdfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node YARN on 127.0.0.1 with its own HDFS: Hadoop's MiniYARNCluster (a ResourceManager and one
 * NodeManager, the daemons of a production YARN; the NodeManager launches every container as a real process) beside
 * a {@link LocalHdfs}, all ports ephemeral. {@link #confDir()} is the {@code HADOOP_CONF_DIR} that spark-submit
 * needs: this YARN's addresses and this HDFS as the default filesystem. {@code bin/yarn} runs {@link #main} in the
 * background.
 *
 * <p>What a working set-up needs, found by trial (Spark's own {@code BaseYarnClusterSuite} has the same): the
 * capacity scheduler's queue (the minicluster jar has no capacity-scheduler.xml), the disk-utilisation check and the
 * memory checks off (a busy test machine would mark its only node unhealthy or kill containers), and the
 * minicluster's rack mapping ({@code net.topology.node.switch.mapping.impl}, a class only the minicluster jar has)
 * kept out of the configuration handed to jobs, whose ApplicationMaster would die on it with ClassNotFoundException.
 * The NodeManager's containers run {@code $JAVA_HOME/bin/java}: JAVA_HOME must be in this JVM's environment.
 * MiniYARNCluster keeps its NodeManager's directories under {@code ./target}: start this JVM in its own folder.
 */
public final class LocalYarn implements AutoCloseable {
    private static final String RACK_MAPPING = "net.topology.node.switch.mapping.impl";
    /** In {@link #confDir()}: tells bin/submit that this YARN runs every container on this host. */
    public static final String LOOPBACK_MARKER = "emnistnet-loopback-yarn";
    private final LocalHdfs hdfs;
    private final MiniYARNCluster yarn;
    private final Path confDir;

    private LocalYarn(LocalHdfs hdfs, MiniYARNCluster yarn, Path confDir) {
        this.hdfs = hdfs;
        this.yarn = yarn;
        this.confDir = confDir;
    }

    /**
     * Starts HDFS (state in {@code dir/hdfs}, kept across starts) and YARN (a NodeManager offering
     * {@code nodeMemoryMb} MB to containers), and writes their client configuration to {@code dir/conf}.
     */
    public static LocalYarn start(Path dir, int nodeMemoryMb) {
        if (System.getenv("JAVA_HOME") == null) { // else every container fails later with "JAVA_HOME/bin/java: No such file"
            throw new IllegalStateException("JAVA_HOME is not set: YARN's containers run $JAVA_HOME/bin/java");
        }
        Path hdfsData = dir.resolve("hdfs");
        boolean format = !Files.isDirectory(hdfsData.resolve("name-0-1").resolve("current"));
        LocalHdfs hdfs = LocalHdfs.start(hdfsData, 1, format);
        try {
            MiniYARNCluster yarn = new MiniYARNCluster("emnistnet-yarn", 1, 1, 1);
            yarn.init(configuration(hdfs, nodeMemoryMb));
            yarn.start();
            waitForAddress(yarn.getConfig());
            if (!yarn.waitForNodeManagersToConnect(60_000)) {
                throw new IllegalStateException("the NodeManager did not register with the ResourceManager within 60 s");
            }
            Path confDir = dir.resolve("conf");
            writeClientConfiguration(yarn.getConfig(), hdfs, confDir);
            return new LocalYarn(hdfs, yarn, confDir);
        } catch (Exception e) { // YarnException, IOException, InterruptedException, a daemon's RuntimeException
            hdfs.close();
            throw new IllegalStateException("cannot start YARN under " + dir + ": " + e, e);
        }
    }

    private static YarnConfiguration configuration(LocalHdfs hdfs, int nodeMemoryMb) {
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", hdfs.uri().toString());
        conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setInt(YarnConfiguration.NM_PMEM_MB, nodeMemoryMb);
        // MiniYARNCluster gives its NodeManagers this instead (default 4096 MB: an AM and no executor would fit)
        conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, nodeMemoryMb);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, nodeMemoryMb);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        conf.setInt(YarnConfiguration.NM_VCORES, 8); // vcores are not enforced (memory-only scheduling): room for any executor shape
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_VCORES, 8);
        conf.setInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS, 2); // YARN's default, said: an ApplicationMaster lost gets one more attempt
        conf.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600); // a failed container's files stay to be read
        return conf;
    }

    /** MiniYARNCluster may return from start() before the ResourceManager published its port (Spark's suite waits too). */
    private static void waitForAddress(Configuration conf) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (conf.get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ResourceManager published no address within 30 s");
            }
            Thread.sleep(100);
        }
    }

    private static void writeClientConfiguration(Configuration running, LocalHdfs hdfs, Path confDir) throws IOException {
        Files.createDirectories(confDir);
        Configuration yarnSite = new Configuration(false);
        for (Map.Entry<String, String> entry : running) {
            if (entry.getKey().startsWith("yarn.") && !entry.getKey().equals(RACK_MAPPING)) {
                // MiniYARNCluster names its daemons' host "localhost": clients get the address it binds, 127.0.0.1
                yarnSite.set(entry.getKey(), entry.getValue().replaceFirst("^localhost:", "127.0.0.1:"));
            }
        }
        Configuration coreSite = new Configuration(false);
        coreSite.set("fs.defaultFS", hdfs.uri().toString());
        write(yarnSite, confDir.resolve("yarn-site.xml"));
        write(coreSite, confDir.resolve("core-site.xml"));
        // bin/submit: containers of this YARN are on this host, so their drivers and executors stay on loopback
        Files.writeString(confDir.resolve(LOOPBACK_MARKER), "every daemon of this YARN listens on 127.0.0.1\n");
    }

    private static void write(Configuration conf, Path file) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(part)) {
            conf.writeXml(out);
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The {@code HADOOP_CONF_DIR} for clients of this YARN and HDFS. */
    public Path confDir() {
        return confDir;
    }

    public LocalHdfs hdfs() {
        return hdfs;
    }

    @Override
    public void close() {
        try {
            yarn.stop();
        } finally {
            hdfs.close();
        }
    }

    /**
     * {@code LocalYarn DIR [NODE_MEMORY_MB]}: runs YARN and HDFS until killed; once both serve, writes the HDFS URI
     * to {@code DIR/url} (what {@code bin/yarn start} waits for) beside {@code DIR/conf}.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        int nodeMemoryMb = args.length > 1 ? Integer.parseInt(args[1]) : 12288;
        LocalYarn yarn = start(dir, nodeMemoryMb);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            yarn.close();
            stopped.countDown();
        }));
        Path part = dir.resolve("url.part");
        Files.writeString(part, yarn.hdfs().uri() + "\n", StandardCharsets.UTF_8);
        Files.move(part, dir.resolve("url"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
    }
}
