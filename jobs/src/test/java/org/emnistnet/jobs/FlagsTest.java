package org.emnistnet.jobs;

import org.emnistnet.Parameter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The core speaks parameters (`valFraction`), the jobs speak flags (--val-fraction): one table between the two. */
class FlagsTest {
    @Test
    void aCoreMessageIsToldInTheJobsFlags() {
        assertEquals("runs/r already holds a training run (pass --resume to continue it, or choose a new --run)",
                Flags.inFlags("runs/r already holds a training run (pass " + Parameter.RESUME + " to continue it, or choose a new "
                        + Parameter.RUN + ")"));
        assertEquals(Parameter.VAL_FRACTION + " must be in [0, 1)", "`valFraction` must be in [0, 1)");
        assertEquals("--val-fraction must be in [0, 1), and `this` is no parameter",
                Flags.inFlags("`valFraction` must be in [0, 1), and `this` is no parameter"));
    }

    @Test
    void everyParameterTheCoreNamesIsAFlagOfSomeJob() {
        Set<String> flags = new HashSet<>();
        for (Object job : List.of(new IngestJob(), new PrepareJob(), new TrainJob(), new ScoreJob(), new EvaluateJob(),
                new PipelineJob(), new ExportPngJob(), new AugmentPreviewJob(), new ExportOnnxJob())) {
            new CommandLine(job).getCommandSpec().options().forEach(option -> flags.addAll(List.of(option.names())));
        }
        for (Parameter parameter : Parameter.values()) {
            assertThat(flags).as(parameter.name()).contains(Flags.of(parameter));
        }
    }

    @Test
    void theCoreNamesNoCommandLineFlag() throws IOException {
        try (Stream<Path> sources = Files.walk(Path.of("../pipeline-core/src/main/java"))) {
            List<String> flagged = sources.filter(file -> file.toString().endsWith(".java")).flatMap(FlagsTest::codeLines)
                    .filter(line -> line.matches(".*\"[^\"]*--[a-z][^\"]*\".*")).toList();
            assertThat(flagged).as("a string naming a --flag in pipeline-core").isEmpty();
        }
    }

    /** The lines of code (not comments), each with its file's name. */
    private static Stream<String> codeLines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(line -> !line.strip().startsWith("*") && !line.strip().startsWith("//"))
                    .map(line -> file.getFileName() + ": " + line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
