package org.emnistnet.train;

import org.apache.spark.SparkConf;
import org.emnistnet.UsageException;

/**
 * Training needs the same executors from its first averaging round to its last. Under dynamic allocation Spark
 * removes an executor that is idle for {@code spark.dynamicAllocation.executorIdleTimeout} (60 s by default) and adds
 * others when tasks queue: between two rounds (a validation pass, a checkpoint on the driver) the workers would go,
 * and a round would run on fewer, or on new executors without the staged minibatches and warm replicas. So a
 * training application with dynamic allocation on is refused before its first epoch, with what to set instead.
 */
final class FixedExecutors {
    private FixedExecutors() {
    }

    /** Refuses dynamic allocation on a cluster master (Spark ignores it on a local one). */
    static void require(SparkConf conf) {
        boolean dynamic = conf.getBoolean("spark.dynamicAllocation.enabled", false);
        boolean local = conf.get("spark.master", "local").startsWith("local");
        if (dynamic && !local) {
            throw new UsageException("training needs a fixed set of executors for its averaging rounds, but"
                    + " spark.dynamicAllocation.enabled=true would remove idle ones between rounds: submit the train job"
                    + " with spark.dynamicAllocation.enabled=false and spark.executor.instances=N (its workers)");
        }
    }
}
