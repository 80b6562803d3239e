package org.emnistnet.train;

import org.apache.spark.SparkConf;
import org.emnistnet.UsageException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FixedExecutorsTest {
    private static SparkConf conf(String master, boolean dynamic) {
        return new SparkConf(false).set("spark.master", master).set("spark.dynamicAllocation.enabled", Boolean.toString(dynamic));
    }

    @Test
    void trainingOnAClusterWithDynamicAllocationIsRefusedBeforeItsFirstEpochSayingWhatToSet() {
        for (String master : new String[]{"yarn", "spark://127.0.0.1:7077", "k8s://https://10.0.0.1:6443"}) {
            UsageException refused = assertThrows(UsageException.class, () -> FixedExecutors.require(conf(master, true)), master);
            assertThat(refused.getMessage()).contains("spark.dynamicAllocation.enabled=false", "spark.executor.instances");
        }
    }

    @Test
    void aFixedSetOfExecutorsOrALocalMasterTrains() {
        assertDoesNotThrow(() -> FixedExecutors.require(conf("yarn", false)));
        assertDoesNotThrow(() -> FixedExecutors.require(new SparkConf(false).set("spark.master", "yarn")));
        assertDoesNotThrow(() -> FixedExecutors.require(conf("local[2]", true)), "Spark ignores dynamic allocation on a local master");
    }
}
