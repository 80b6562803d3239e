package org.emnistnet.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.pipeline.SparkSessions;
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
        conf.forEach(sparkConf::set);
        SparkSessions.configure(sparkConf);
        ClusterSecretCheck.useClusterSecret(sparkConf, clusterDir, System.getenv(DEFAULT_CLUSTER_DIR_VARIABLE));
        ClusterSecretCheck.check(sparkConf);
        return SparkSession.builder().appName("emnistnet " + appName).config(sparkConf).getOrCreate();
    }
}
