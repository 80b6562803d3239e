package org.emnistnet.jobs;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.runtime.GpuPinning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * GPU check: runs --tasks concurrent tasks and prints, per task, the executor, the GPU address Spark assigned and
 * the ND4J backend that pinned it. Shows whether a GPU cluster is configured as the jobs need it.
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true, description = "Which GPU each Spark task gets, and the backend that uses it.")
public final class GpuCheckJob implements Callable<Integer> {
    @Option(names = "--tasks", defaultValue = "2")
    int tasks;

    @Mixin
    SparkOptions spark;

    public static void main(String[] args) {
        JobRunner.main(new GpuCheckJob(), args);
    }

    @Override
    public Integer call() {
        try (SparkSession session = spark.open("gpu-check")) {
            ComputeBackend.configure(); // the driver's backend first: a CUDA build without a GPU fails here, in seconds
            List<String> lines = JavaSparkContext.fromSparkContext(session.sparkContext())
                    .parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                    .map(i -> {
                        ComputeBackend.configure();
                        String address = GpuPinning.pinToAssignedGpu().orElse("none");
                        Thread.sleep(2000); // keep the tasks concurrent, so that they must get distinct GPUs
                        return "task " + i + " executor " + org.apache.spark.SparkEnv.get().executorId() + " gpu " + address
                                + " backend " + ComputeBackend.backendName();
                    }).collect();
            lines.forEach(line -> System.out.println("gpu-check: " + line));
        }
        return 0;
    }
}
