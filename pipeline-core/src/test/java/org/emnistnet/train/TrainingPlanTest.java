package org.emnistnet.train;

import org.emnistnet.EmnistNetException;
import org.emnistnet.model.TrainingRecipe;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every decision a training plan makes, from options, data size and the Spark application's facts alone. */
class TrainingPlanTest {
    private static final TrainingOptions DEFAULTS = new TrainingOptions(TrainingRecipe.reference(), 0, 0, 0, 0);

    private static TrainingPlan.Environment local(String run, boolean runIsLocal) {
        return new TrainingPlan.Environment(true, 2, 1, run, runIsLocal, false, null);
    }

    private static TrainingPlan.Environment cluster(String run, boolean runIsLocal, boolean defaultFsShared, String staging) {
        return new TrainingPlan.Environment(false, 8, 1, run, runIsLocal, defaultFsShared, staging);
    }

    @Test
    void twoWorkersOnALocalMasterShareTheCoresAndAverageEveryMinibatch() {
        TrainingOptions twoWorkers = new TrainingOptions(TrainingRecipe.reference(), 2, 0, 0, 0);
        TrainingPlan plan = TrainingPlan.of(twoWorkers, 54_000, local("file:/runs/r1", true), "id");
        assertEquals(2, plan.settings().workers());
        assertEquals(128, plan.settings().batchPerWorker());
        assertEquals(1, plan.settings().averagingFrequency());
        assertEquals(1, plan.settings().threadsPerWorker());
        assertEquals(1, plan.settings().replicasPerWorker(), "one core each: DL4J's own fit");
        assertEquals(211, plan.roundsPerEpoch()); // ceil(54000 / 128) = 422 minibatches over 2 workers
        assertEquals(15 * 211, plan.totalSteps());
    }

    @Test
    void onAClusterEveryExecutorCoreIsAWorkerAndRoundsAverageEveryFiveMinibatches() {
        TrainingPlan plan = TrainingPlan.of(DEFAULTS, 54_000, cluster("hdfs://nn:8020/runs/r1", false, true, null), "id");
        assertEquals(8, plan.settings().workers());
        assertEquals(32, plan.settings().batchPerWorker());
        assertEquals(5, plan.settings().averagingFrequency());
        assertEquals(5 * plan.roundsPerEpoch(), plan.iterationsPerEpoch());
    }

    @Test
    void onALocalMasterOneWorkerSplitsEachMinibatchOverItsCoresAndAveragesOnlyEveryTenMinibatches() {
        TrainingPlan plan = TrainingPlan.of(DEFAULTS, 54_000, local("file:/runs/r1", true), "id");
        assertEquals(1, plan.settings().workers(), "the default on a local master");
        assertEquals(256, plan.settings().batchPerWorker(), "the recipe's whole minibatch");
        assertEquals(2, plan.settings().threadsPerWorker());
        assertEquals(2, plan.settings().replicasPerWorker(), "one single-core replica per core");
        assertEquals(TrainingOptions.SINGLE_WORKER_ROUND, plan.settings().averagingFrequency(), "nothing to average with");
        assertEquals(21, plan.roundsPerEpoch()); // 211 minibatches of 256 in rounds of 10

        TrainingPlan taskOfFour = TrainingPlan.of(DEFAULTS, 54_000, new TrainingPlan.Environment(false, 8, 4, "hdfs://nn/r", false, true, null), "id");
        assertEquals(4, taskOfFour.settings().replicasPerWorker(), "a cluster task of spark.task.cpus=4 splits over 4");
        assertEquals(5, taskOfFour.settings().averagingFrequency(), "8 workers still average every 5 on a cluster");
    }

    @Test
    void aLocalMasterStagesInALocalRunDirectoryOrElseOnTheDriversDisk() {
        assertEquals("file:/runs/r1/staging", TrainingPlan.of(DEFAULTS, 1000, local("file:/runs/r1", true), "id").staging());
        TrainingPlan onHdfs = TrainingPlan.of(DEFAULTS, 1000, local("hdfs://nn:8020/runs/r1", false), "id");
        assertThat(onHdfs.staging()).startsWith("file:/").endsWith("/emnistnet-staging/id");
        assertThat(onHdfs.stagingReason()).contains("driver's disk");
    }

    @Test
    void aClusterStagesInARunDirectoryOnASharedFilesystem() {
        TrainingPlan plan = TrainingPlan.of(DEFAULTS, 1000, cluster("hdfs://nn:8020/runs/r1", false, false, null), "id");
        assertEquals("hdfs://nn:8020/runs/r1/staging", plan.staging());
        assertThat(plan.stagingReason()).contains("shared filesystem");
    }

    @Test
    void aStagingDirectoryTheUserNamesWinsAndGetsARunOfItsOwn() {
        TrainingPlan plan = TrainingPlan.of(DEFAULTS, 1000, cluster("file:/driver/r1", true, false, "file:/mnt/shared/"), "id");
        assertEquals("file:/mnt/shared/id", plan.staging());
        assertThat(plan.stagingReason()).contains("`staging` file:/mnt/shared/");
    }

    @Test
    void aClusterWithALocalRunDirectoryStagesOnASharedDefaultFilesystem() {
        TrainingPlan plan = TrainingPlan.of(DEFAULTS, 1000, cluster("file:/driver/r1", true, true, null), "id");
        assertEquals("/tmp/emnistnet-staging/id", plan.staging());
    }

    @Test
    void withoutAnySharedStorageMinibatchesTravelThroughSparkAndTheLogSaysWhy() {
        TrainingPlan plan = TrainingPlan.of(DEFAULTS, 1000, cluster("file:/driver/r1", true, false, null), "id");
        assertNull(plan.staging());
        assertNull(plan.settings().exportDirectory());
        assertThat(plan.stagingReason()).contains("without a shared filesystem").contains("`staging`");
    }

    @Test
    void explicitOptionsOverrideTheDefaults() {
        TrainingOptions options = new TrainingOptions(TrainingRecipe.reference(), 3, 50, 2, 0);
        TrainingPlan plan = TrainingPlan.of(options, 3000, local("file:/r", true), "id");
        assertEquals(3, plan.settings().workers());
        assertEquals(50, plan.settings().batchPerWorker());
        assertEquals(2, plan.settings().averagingFrequency());
        assertEquals(10, plan.roundsPerEpoch()); // 60 minibatches / (3 workers x 2)
    }

    @Test
    void anEmptyTrainingSplitIsRefused() {
        assertThrows(EmnistNetException.class, () -> TrainingPlan.of(DEFAULTS, 0, local("file:/r", true), "id"));
    }
}
