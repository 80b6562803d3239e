package org.emnistnet.hdfs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * A real HDFS on 127.0.0.1: one NameNode and {@code dataNodes} DataNodes in this JVM (Hadoop's MiniDFSCluster, the
 * same daemons as a production HDFS), every port ephemeral, all state under one base directory. The tests start
 * one per test class ({@link HdfsExtension}); {@code bin/hdfs} runs {@link #main} in the background.
 */
public final class LocalHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final int replication;

    private LocalHdfs(MiniDFSCluster cluster, int replication) {
        this.cluster = cluster;
        this.replication = replication;
    }

    /** Starts the daemons and waits until the DataNodes have registered; {@code format} wipes {@code baseDirectory}. */
    public static LocalHdfs start(Path baseDirectory, int dataNodes, boolean format) {
        Configuration conf = new Configuration();
        int replication = Math.min(dataNodes, 2);
        conf.setInt("dfs.replication", replication);
        // Everything on loopback, nothing on a fixed port: two of these (or a test and bin/hdfs) never collide.
        for (String key : new String[]{"dfs.namenode.http-address", "dfs.datanode.address", "dfs.datanode.http.address",
                "dfs.datanode.ipc.address", "dfs.namenode.secondary.http-address"}) {
            conf.set(key, "127.0.0.1:0");
        }
        conf.setBoolean("dfs.permissions.enabled", true);
        try {
            MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, baseDirectory.toAbsolutePath().toFile())
                    .numDataNodes(dataNodes).format(format).manageNameDfsDirs(true).manageDataDfsDirs(true).build();
            cluster.waitActive();
            return new LocalHdfs(cluster, replication);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start HDFS under " + baseDirectory, e);
        }
    }

    /** {@code hdfs://127.0.0.1:PORT}, the filesystem's URI. */
    public URI uri() {
        return URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort());
    }

    /** A client of this HDFS, not cached (closing it does not close anyone else's). */
    public FileSystem fileSystem() {
        try {
            Configuration conf = new Configuration();
            conf.setBoolean("fs.hdfs.impl.disable.cache", true);
            conf.setInt("dfs.replication", replication); // a client's setting: files it writes have as many copies
            return FileSystem.get(uri(), conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int dataNodes() {
        return cluster.getDataNodes().size();
    }

    /** Stops DataNode {@code index} as a crash would (the NameNode still counts it alive until its heartbeats lapse). */
    public MiniDFSCluster.DataNodeProperties stopDataNode(int index) {
        return cluster.stopDataNode(index);
    }

    /**
     * Starts stopped DataNodes again with their blocks, then waits until the NameNode has them. All at once: the
     * NameNode still counts a stopped DataNode alive until its heartbeats lapse (10.5 min), and the minicluster waits
     * for the NameNode's count to equal the running DataNodes', so restarting one of two stopped would wait that long.
     */
    public void restartDataNodes(MiniDFSCluster.DataNodeProperties... dataNodes) {
        try {
            for (MiniDFSCluster.DataNodeProperties dataNode : dataNodes) {
                cluster.restartDataNode(dataNode, true);
            }
            cluster.waitActive();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }

    /**
     * {@code LocalHdfs DIR [DATANODES]}: runs HDFS with its state in {@code DIR/data} until killed, writing its URI
     * to {@code DIR/url} once it serves (what {@code bin/hdfs start} waits for). Keeps the data of an earlier run.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int dataNodes = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path data = dir.resolve("data");
        boolean format = !Files.isDirectory(data.resolve("name-0-1").resolve("current")); // MiniDFSCluster's first name directory
        LocalHdfs hdfs = start(data, dataNodes, format);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hdfs.close();
            stopped.countDown();
        }));
        Path url = dir.resolve("url");
        Path part = dir.resolve("url.part");
        Files.writeString(part, hdfs.uri() + "\n", StandardCharsets.UTF_8);
        Files.move(part, url, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
    }
}
