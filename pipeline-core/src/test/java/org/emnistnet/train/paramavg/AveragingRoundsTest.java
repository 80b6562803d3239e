package org.emnistnet.train.paramavg;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** How an epoch's minibatches are cut into averaging rounds. */
class AveragingRoundsTest {

    @Test
    void everyRoundGetsContiguousMinibatchesAndSizesDifferByAtMostOne() {
        int rounds = 211;
        long minibatches = 424; // 54,000 images in 8 shuffled partitions, minibatches of 128
        Map<Integer, Integer> sizes = new TreeMap<>();
        int previous = 0;
        for (long index = 0; index < minibatches; index++) {
            int round = ExactRoundsTrainingMaster.roundOf(index, rounds, minibatches);
            assertThat(round).isBetween(previous, previous + 1);
            previous = round;
            sizes.merge(round, 1, Integer::sum);
        }
        assertEquals(rounds, sizes.size(), "no round is empty");
        assertThat(sizes.values()).allMatch(size -> size == 2 || size == 3);
        assertEquals(minibatches, sizes.values().stream().mapToInt(Integer::intValue).sum(), "nothing is left out");
    }

    @Test
    void eachRoundStartsAtItsFirstMinibatch() {
        int rounds = 211;
        int minibatches = 424;
        for (int round = 0; round <= rounds; round++) {
            int start = ExactRoundsTrainingMaster.roundStart(round, rounds, minibatches);
            if (round < rounds) {
                assertEquals(round, ExactRoundsTrainingMaster.roundOf(start, rounds, minibatches));
            } else {
                assertEquals(minibatches, start, "the end of the last round is the end of the epoch");
            }
            if (start > 0) {
                assertEquals(round - 1, ExactRoundsTrainingMaster.roundOf(start - 1, rounds, minibatches));
            }
        }
    }

    @Test
    void withoutStagingEachRoundsMinibatchesAreDealtToItsOwnBlockOfOnePartitionPerWorker() {
        int rounds = 42;
        int workers = 2;
        long minibatches = 424;
        Map<Integer, Integer> perPartition = new TreeMap<>();
        for (long index = 0; index < minibatches; index++) {
            int partition = ExactRoundsTrainingMaster.partitionOf(index, rounds, minibatches, workers);
            assertEquals(ExactRoundsTrainingMaster.roundOf(index, rounds, minibatches), partition / workers,
                    "a minibatch's partition belongs to its round");
            perPartition.merge(partition, 1, Integer::sum);
        }
        assertEquals(rounds * workers, perPartition.size(), "every worker gets data in every round");
        assertThat(perPartition.values()).allMatch(size -> size >= 5 && size <= 6); // 10 or 11 a round, dealt in turn
        var selectsRound3 = new ExactRoundsTrainingMaster.PartitionsOfRound(3, workers);
        assertEquals(java.util.List.of(6, 7), java.util.stream.IntStream.range(0, rounds * workers)
                .filter(p -> (Boolean) selectsRound3.apply(p)).boxed().toList());
    }

    @Test
    void workersSharingALocalJvmGetAnEqualShareOfItsCoresAndClusterWorkersTheirTasksCores() {
        assertEquals(1, TrainerSettings.threadsPerWorker(true, 2, 2, 1));
        assertEquals(2, TrainerSettings.threadsPerWorker(true, 2, 1, 1));
        assertEquals(4, TrainerSettings.threadsPerWorker(true, 16, 4, 1));
        assertEquals(1, TrainerSettings.threadsPerWorker(true, 2, 8, 1), "more workers than cores");
        assertEquals(1, TrainerSettings.threadsPerWorker(false, 2, 1, 1), "a cluster task owns spark.task.cpus cores");
        assertEquals(4, TrainerSettings.threadsPerWorker(false, 16, 2, 4));
    }

    @Test
    void roundsAreSizedFromTheImagesSoEveryRoundHasAMinibatchPerWorker() {
        TrainerSettings twoWorkers = new TrainerSettings(2, 128, 1, null, 0, 1);
        assertEquals(211, twoWorkers.roundsPerEpoch(54_000)); // ceil(54,000 / 128) = 422 minibatches
        assertEquals(211, twoWorkers.iterationsPerEpoch(54_000));
        TrainerSettings everyFive = new TrainerSettings(2, 128, 5, null, 0, 1);
        assertEquals(42, everyFive.roundsPerEpoch(54_000));
        assertEquals(210, everyFive.iterationsPerEpoch(54_000));
        assertEquals(1, everyFive.roundsPerEpoch(100), "at least one round");
    }
}
