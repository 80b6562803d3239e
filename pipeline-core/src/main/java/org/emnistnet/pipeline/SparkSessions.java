package org.emnistnet.pipeline;

import org.apache.spark.SparkConf;
import org.emnistnet.runtime.NdArrayKryoRegistrator;

/**
 * The Spark settings every session running EMNISTNet wants, in one place for the jobs, the notebooks and the tests.
 * Each is set only where the configuration does not already have it, so a user's {@code --conf} or
 * {@code spark-defaults.conf} wins.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    /** {@code conf} with EMNISTNet's settings added where missing; returns it. */
    public static SparkConf configure(SparkConf conf) {
        // Kryo with ND4J's registrator and ours (arrays in bulk): parameters and Adam state cross the wire every round
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", NdArrayKryoRegistrator.REGISTRATORS);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        // Hadoop waits for ever on a server that accepts and never answers (a wrong hdfs:// port), and retries a
        // connect timeout 45 times (15 min): give up after 2 min without an answer, and after 3 connect timeouts.
        conf.setIfMissing("spark.hadoop.ipc.client.rpc-timeout.ms", "120000");
        conf.setIfMissing("spark.hadoop.ipc.client.connect.max.retries.on.timeouts", "3");
        return conf;
    }
}
