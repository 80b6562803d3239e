package org.emnistnet.model.layers;

import org.emnistnet.runtime.ComputeThreads;


import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A worker's share of the cores: set on its thread for the Java kernels and OpenMP, then given back. */
class ComputeThreadsTest {

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
    void aWorkerNeedsAtLeastOneCore() {
        assertThatThrownBy(() -> ComputeThreads.limitCurrentThread(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int openMpThreads() {
        return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }
}
