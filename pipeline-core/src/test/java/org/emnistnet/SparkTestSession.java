package org.emnistnet;

import org.apache.spark.sql.SparkSession;
import org.emnistnet.train.NdArrayKryoRegistrator;

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
                    .master("local[2]")
                    .appName("emnistnet-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.kryo.registrator", NdArrayKryoRegistrator.REGISTRATORS)
                    .getOrCreate();
        }
        return session;
    }
}
