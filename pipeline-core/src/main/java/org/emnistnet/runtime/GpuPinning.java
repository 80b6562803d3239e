package org.emnistnet.runtime;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

import java.util.Optional;

/**
 * Pins the calling task thread to the GPU Spark assigned to its task ({@code spark.task.resource.gpu.amount}).
 * Spark does not set CUDA_VISIBLE_DEVICES for JVM executors, so without this every task of an executor would use
 * device 0. On the CPU backend the assignment is only logged.
 */
public final class GpuPinning {
    private static final Logger LOG = LoggerFactory.getLogger(GpuPinning.class);
    private static final ThreadLocal<String> PINNED = new ThreadLocal<>();

    private GpuPinning() {
    }

    /** The GPU address of the current Spark task, pinned once per thread; empty outside a task or without GPUs. */
    public static Optional<String> pinToAssignedGpu() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return Optional.empty();
        }
        Option<ResourceInformation> gpu = task.resources().get("gpu");
        if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
            return Optional.empty();
        }
        String address = gpu.get().addresses()[0];
        if (!address.equals(PINNED.get())) {
            if (ComputeBackend.isCuda()) {
                Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(address.trim()));
                LOG.info("task {} (partition {}) pinned to GPU {}", task.taskAttemptId(), task.partitionId(), address);
            } else {
                LOG.info("task {} (partition {}) was assigned GPU {}; CPU backend, so pinning is a no-op",
                        task.taskAttemptId(), task.partitionId(), address);
            }
            PINNED.set(address);
        }
        return Optional.of(address);
    }
}
