package org.emnistnet.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The launcher's entry point: {@code bin/emnistnet <job> [options]}. Each job is also its own spark-submit class. */
@Command(name = "emnistnet", mixinStandardHelpOptions = true, version = "emnistnet 0.1.0",
        description = "EMNISTNet on Spark: ingest, prepare, train, score and evaluate.",
        subcommands = {PipelineJob.class, FetchJob.class, IngestJob.class, PrepareJob.class, AugmentPreviewJob.class,
                TrainJob.class, ScoreJob.class, EvaluateJob.class, ExportPngJob.class, ExportOnnxJob.class, GpuCheckJob.class,
                CommandLine.HelpCommand.class})
public final class EmnistNetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        JobRunner.main(new EmnistNetCommand(), args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a job: " + spec.subcommands().keySet());
    }
}
