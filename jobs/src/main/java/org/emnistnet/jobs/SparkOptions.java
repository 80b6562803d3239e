package org.emnistnet.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.train.NdArrayKryoRegistrator;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Options every Spark job shares, and the one place a job's SparkSession is opened. */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (spark://host:7077, yarn, k8s://...). Default: what spark-submit set, else local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark configuration (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--cluster-dir", paramLabel = "DIR", description = "With --master spark://: the folder of a"
            + " bin/cluster whose secret (DIR/secret) authenticates this job. Default: this checkout's work/cluster"
            + " when it holds one.")
    String clusterDir;

    /** Where bin/emnistnet says this checkout's bin/cluster keeps its files (work/cluster). */
    static final String DEFAULT_CLUSTER_DIR_VARIABLE = "EMNISTNET_CLUSTER_DIR";

    /**
     * Opens the session. spark-submit passes --master as the system property spark.master; we only fall back to
     * the embedded local[*] when nobody chose a master (setting it unconditionally would override --master).
     */
    public SparkSession open(String appName) {
        SparkConf sparkConf = new SparkConf();
        if (master != null) {
            sparkConf.setMaster(master);
        } else if (!sparkConf.contains("spark.master")) {
            sparkConf.setMaster("local[*]");
        }
        sparkConf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        sparkConf.setIfMissing("spark.kryo.registrator", NdArrayKryoRegistrator.REGISTRATORS);
        sparkConf.setIfMissing("spark.ui.showConsoleProgress", "false");
        sparkConf.setIfMissing("spark.sql.shuffle.partitions", "8");
        // Hadoop waits for ever on a server that accepts and never answers (a wrong hdfs:// port), and retries a
        // connect timeout 45 times (15 min): give up after 2 min without an answer, and after 3 connect timeouts.
        sparkConf.setIfMissing("spark.hadoop.ipc.client.rpc-timeout.ms", "120000");
        sparkConf.setIfMissing("spark.hadoop.ipc.client.connect.max.retries.on.timeouts", "3");
        conf.forEach(sparkConf::set);
        ClusterSecretCheck.useClusterSecret(sparkConf, clusterDir, System.getenv(DEFAULT_CLUSTER_DIR_VARIABLE));
        ClusterSecretCheck.check(sparkConf);
        return SparkSession.builder().appName("emnistnet " + appName).config(sparkConf).getOrCreate();
    }
}
