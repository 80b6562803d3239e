package org.emnistnet;

import org.apache.spark.sql.SparkSession;
import org.emnistnet.pipeline.SparkSessions;

/**
 * One real local[2] SparkSession shared by the tests of a JVM (starting Spark costs seconds); a new one when a job
 * under test has stopped it (jobs close their session when they end).
 */
public final class SparkTestSession {
    private static SparkSession session;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSession.builder()
                    .config(SparkSessions.configure(new org.apache.spark.SparkConf(false)
                            .setMaster("local[2]")
                            .setAppName("emnistnet-tests")
                            .set("spark.ui.enabled", "false")
                            .set("spark.sql.shuffle.partitions", "4")
                            .set("spark.driver.host", "127.0.0.1")))
                    .getOrCreate();
        }
        return session;
    }
}
