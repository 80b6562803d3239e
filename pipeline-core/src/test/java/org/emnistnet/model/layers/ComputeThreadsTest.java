package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeThreads;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's share of the cores: set on its thread for the Java kernels and OpenMP, then given back; and BLAS held
 * to one thread (process-wide) while replicas that keep every core busy compute.
 */
class ComputeThreadsTest {
    private int blasThreadsBefore;

    /** The BLAS tests start from two threads, whatever the machine's cores, and leave the JVM's count as it was. */
    @BeforeEach
    void twoBlasThreads() {
        blasThreadsBefore = ComputeThreads.blasThreads();
        Nd4j.factory().blas().setMaxThreads(2);
    }

    @AfterEach
    void blasThreadsAsBefore() {
        Nd4j.factory().blas().setMaxThreads(blasThreadsBefore);
    }

    @Test
    void aLimitHoldsForTheCurrentThreadUntilReleased() throws InterruptedException {
        int openMpBefore = openMpThreads();
        ComputeThreads.limitCurrentThread(1);
        try {
            assertEquals(1, ComputeThreads.currentLimit());
            assertEquals(1, openMpThreads());
            int[] elsewhere = new int[1];
            Thread other = new Thread(() -> elsewhere[0] = ComputeThreads.currentLimit());
            other.start();
            other.join();
            assertEquals(0, elsewhere[0], "other threads keep all cores");
        } finally {
            ComputeThreads.releaseCurrentThread();
        }
        assertEquals(0, ComputeThreads.currentLimit());
        assertEquals(openMpBefore, openMpThreads());
    }

    @Test
    void kernelsOnOneCoreComputeExactlyWhatTheyComputeOnAll() {
        Nd4j.getRandom().setSeed(5);
        int length = 7 * 4096 + 99;
        INDArray x = Nd4j.rand(DataType.FLOAT, length).subi(0.5).muli(10);
        INDArray all = Nd4j.createUninitialized(DataType.FLOAT, length);
        GeluKernels.forward(x.data().asNioFloat(), 0, all.data().asNioFloat(), 0, length);
        INDArray one = Nd4j.createUninitialized(DataType.FLOAT, length);
        ComputeThreads.limitCurrentThread(1);
        try {
            GeluKernels.forward(x.data().asNioFloat(), 0, one.data().asNioFloat(), 0, length);
        } finally {
            ComputeThreads.releaseCurrentThread();
        }
        assertEquals(all, one);
    }

    @Test
    void blasRunsOnOneThreadInsideAndGetsItsThreadsBackAfter() {
        int[] inside = new int[1];
        ComputeThreads.withOneBlasThread(() -> inside[0] = ComputeThreads.blasThreads());
        assertEquals(1, inside[0]);
        assertEquals(2, ComputeThreads.blasThreads());
        assertThatThrownBy(() -> ComputeThreads.withOneBlasThread(() -> {
            throw new IllegalStateException("failed step");
        })).hasMessage("failed step");
        assertEquals(2, ComputeThreads.blasThreads(), "a failure inside gives the threads back too");
    }

    @Test
    void blasGetsItsThreadsBackOnlyWhenTheLastConcurrentCallerLeaves() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Thread other = new Thread(() -> ComputeThreads.withOneBlasThread(() -> {
            entered.countDown();
            await(leave);
        }));
        try {
            other.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            ComputeThreads.withOneBlasThread(() -> { });
            assertEquals(1, ComputeThreads.blasThreads(), "the other caller is still inside");
            leave.countDown();
            other.join(30_000);
            assertEquals(2, ComputeThreads.blasThreads());
        } finally {
            leave.countDown();
        }
    }

    @Test
    void aMatrixProductOnOneBlasThreadEqualsItOnTwo() {
        Nd4j.getRandom().setSeed(9);
        INDArray a = Nd4j.rand(DataType.FLOAT, 128, 1152).subi(0.5);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1152, 256).subi(0.5);
        INDArray onTwo = a.mmul(b);
        INDArray[] onOne = new INDArray[1];
        ComputeThreads.withOneBlasThread(() -> onOne[0] = a.mmul(b));
        assertEquals(onTwo, onOne[0]);
    }

    @Test
    void switchedOffTheBlasLimitOnlyRunsTheWork() {
        ComputeThreads.oneBlasThread(false);
        try {
            int[] inside = new int[1];
            ComputeThreads.withOneBlasThread(() -> inside[0] = ComputeThreads.blasThreads());
            assertEquals(2, inside[0]);
        } finally {
            ComputeThreads.oneBlasThread(true);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aWorkerNeedsAtLeastOneCore() {
        assertThatThrownBy(() -> ComputeThreads.limitCurrentThread(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int openMpThreads() {
        return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }
}
