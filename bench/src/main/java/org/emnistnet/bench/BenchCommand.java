package org.emnistnet.bench;

import org.emnistnet.jobs.JobRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The lab's entry point, {@code bin/bench <tool> [options]}: the measurements behind BENCHMARKS.md, apart from the
 * product's jobs ({@code bin/emnistnet}). Each tool runs on the same Spark options as the jobs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "emnistnet-bench 0.1.0",
        description = "EMNISTNet's measurements: throughput of augmentation, training and scoring, every epoch's test accuracy.",
        subcommands = {AugmentBenchmarkJob.class, TrainBenchmarkJob.class, ScoreBenchmarkJob.class, EpochTestJob.class,
                CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        JobRunner.main(new BenchCommand(), args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a tool: " + spec.subcommands().keySet());
    }
}
