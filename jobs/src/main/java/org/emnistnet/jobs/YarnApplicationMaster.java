package org.emnistnet.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * Spark's YARN ApplicationMaster, seen from a driver that runs inside it (cluster deploy mode on YARN).
 *
 * <p>YARN runs an application again when an attempt ends without the ApplicationMaster having unregistered, and
 * Spark's ApplicationMaster unregisters a failed attempt only when it is the last one: any failure is retried, up to
 * {@code spark.yarn.maxAppAttempts}. That is right for a lost driver (the next attempt resumes the run) and wrong
 * for a usage error, which fails again the same way. Spark has no API for "failed, do not retry", so for a usage
 * error the job asks Spark's own ApplicationMaster (through reflection: spark-yarn is on the classpath only on
 * YARN) to unregister the application as FAILED with the job's message as its diagnostics. The ApplicationMaster
 * registers once the driver's SparkContext exists, so one is made first when the job failed before it opened one.
 */
final class YarnApplicationMaster {
    private static final String MASTER = "org.apache.spark.deploy.yarn.ApplicationMaster$";
    private static final String FINAL_STATUS = "org.apache.hadoop.yarn.api.records.FinalApplicationStatus";

    private YarnApplicationMaster() {
    }

    /**
     * Ends this YARN application FAILED with {@code diagnostics}, so that YARN starts no other attempt. Returns false
     * (and does nothing) outside Spark's YARN ApplicationMaster.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static boolean failWithoutRetry(String diagnostics) {
        Object master = master();
        if (master == null) {
            return false;
        }
        SparkContext.getOrCreate(new SparkConf()); // registers the ApplicationMaster, if the job had not got that far
        try {
            Class status = Class.forName(FINAL_STATUS);
            master.getClass().getMethod("unregister", status, String.class).invoke(master, Enum.valueOf(status, "FAILED"), diagnostics);
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    private static Object master() {
        try {
            Class<?> companion = Class.forName(MASTER);
            Object module = companion.getField("MODULE$").get(null);
            return companion.getMethod("org$apache$spark$deploy$yarn$ApplicationMaster$$master").invoke(module);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null; // not on YARN (or another Spark): the caller's ordinary failure path applies
        }
    }
}
