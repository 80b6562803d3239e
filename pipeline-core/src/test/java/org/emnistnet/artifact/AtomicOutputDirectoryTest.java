package org.emnistnet.artifact;

import org.apache.hadoop.fs.Path;
import org.emnistnet.artifact.LocalProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** An output appears whole or not at all, and a later run cleans up only what a dead run of its own left. */
class AtomicOutputDirectoryTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void aLaterRunRemovesTheTemporaryOfADeadWriterOnThisHostAndLeavesEveryOther() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        String host = LocalProcesses.host();
        java.nio.file.Path dead = Files.createDirectories(tmp.resolve("out.incomplete-" + finished.pid() + "@" + host + "-0a1b2c3d"));
        Files.writeString(dead.resolve("part-00000"), "partial");
        java.nio.file.Path live = Files.createDirectories(tmp.resolve("out.incomplete-" + LocalProcesses.pid() + "@" + host + "-11111111"));
        java.nio.file.Path elsewhere = Files.createDirectories(tmp.resolve("out.incomplete-" + finished.pid() + "@another-host-22222222"));
        java.nio.file.Path unnamed = Files.createDirectories(tmp.resolve("out.incomplete-3c4d5e6f"));
        java.nio.file.Path otherOutput = Files.createDirectories(tmp.resolve("outcome.incomplete-" + finished.pid() + "@" + host + "-33333333"));
        java.nio.file.Path deadProbe = Files.writeString(tmp.resolve(".out.write-probe-" + finished.pid() + "@" + host + "-44444444"), "");

        AtomicOutputDirectory.write(new Path(tmp.resolve("out").toString()), false, temporary -> {
            try {
                Files.createDirectories(java.nio.file.Path.of(temporary.toString()));
                Files.writeString(java.nio.file.Path.of(temporary.toString()).resolve("_SUCCESS"), "");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        assertThat(tmp.resolve("out/_SUCCESS")).exists();
        assertThat(dead).doesNotExist();
        assertThat(live).exists();
        assertThat(elsewhere).exists();
        assertThat(unnamed).exists();
        assertThat(otherOutput).as("another output's temporary").exists();
        assertThat(deadProbe).as("the write probe of a writer killed while probing").doesNotExist();
    }

    @Test
    void aPreviousOutputMovedAsideByAWriterKilledBeforeItsReplacementArrivedIsPutBack() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        String tag = finished.pid() + "@" + LocalProcesses.host();
        // killed between its two renames: the old output aside, the new one still under its temporary name
        java.nio.file.Path aside = Files.createDirectories(tmp.resolve(".out.old-" + tag + "-55555555"));
        Files.writeString(aside.resolve("part-00000"), "the user's previous output");
        Files.createDirectories(tmp.resolve("out.incomplete-" + tag + "-55555555"));

        AtomicOutputDirectory.removeStaleTemporaries(org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()),
                new Path(tmp.resolve("out").toString()));

        assertThat(tmp.resolve("out/part-00000")).hasContent("the user's previous output");
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("out");
        }
    }

    @Test
    void aPreviousOutputMovedAsideByAWriterKilledAfterItsReplacementArrivedIsDeleted() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Files.createDirectories(tmp.resolve("out"));
        Files.writeString(tmp.resolve("out/part-00000"), "the replacement");
        Files.createDirectories(tmp.resolve(".out.old-" + finished.pid() + "@" + LocalProcesses.host() + "-66666666"));

        AtomicOutputDirectory.removeStaleTemporaries(org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()),
                new Path(tmp.resolve("out").toString()));

        assertThat(tmp.resolve("out/part-00000")).hasContent("the replacement");
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("out");
        }
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedBeforeTheWorkRuns() throws Exception {
        java.nio.file.Path file = Files.writeString(tmp.resolve("a-file"), "in the way");
        boolean[] worked = {false};
        org.emnistnet.EmnistNetException error = org.junit.jupiter.api.Assertions.assertThrows(org.emnistnet.EmnistNetException.class,
                () -> AtomicOutputDirectory.write(new Path(file.resolve("out").toString()), false, temporary -> worked[0] = true));
        assertThat(error.getMessage()).contains("a-file/out: cannot write there");
        assertThat(worked[0]).as("the writer never ran").isFalse();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("a-file");
        }
    }

    @Test
    void overwriteReplacesAnOutputOfThisProjectButNeverAnythingElse() throws Exception {
        Path out = new Path(tmp.resolve("out").toString());
        AtomicOutputDirectory.write(out, false, temporary -> writeFile(temporary, "part-00000", "first"));
        assertThat(tmp.resolve("out").resolve(AtomicOutputDirectory.MARKER)).exists();
        AtomicOutputDirectory.write(out, true, temporary -> writeFile(temporary, "part-00000", "second"));
        assertThat(tmp.resolve("out/part-00000")).hasContent("second");

        java.nio.file.Path documents = Files.createDirectories(tmp.resolve("documents"));
        Files.writeString(documents.resolve("thesis.txt"), "three years of work");
        java.nio.file.Path notes = Files.writeString(tmp.resolve("notes.txt"), "a file, not a folder");
        for (java.nio.file.Path theirs : java.util.List.of(documents, notes)) {
            boolean[] worked = {false};
            org.emnistnet.UsageException refused = org.junit.jupiter.api.Assertions.assertThrows(org.emnistnet.UsageException.class,
                    () -> AtomicOutputDirectory.write(new Path(theirs.toString()), true, temporary -> worked[0] = true));
            assertThat(refused.getMessage()).contains(theirs.toString()).contains("is not an output of emnistnet");
            assertThat(worked[0]).as("refused before the work").isFalse();
        }
        assertThat(documents.resolve("thesis.txt")).hasContent("three years of work");
        assertThat(notes).hasContent("a file, not a folder");
    }

    @Test
    void anOutputPublishedByAnotherJobWhileThisOneWroteIsKeptUnlessOverwriteWasAsked() throws Exception {
        Path out = new Path(tmp.resolve("out").toString());
        Path other = new Path(tmp.resolve("other").toString());
        org.emnistnet.EmnistNetException refused = org.junit.jupiter.api.Assertions.assertThrows(org.emnistnet.EmnistNetException.class,
                () -> AtomicOutputDirectory.write(out, false, temporary -> {
                    writeFile(temporary, "part-00000", "this job's");
                    // another job on the same --out publishes first, while this one is still at work
                    AtomicOutputDirectory.write(out, false, theirs -> writeFile(theirs, "part-00000", "the other job's"));
                }));
        assertThat(refused.getMessage()).contains(out.toString()).contains("appeared while this job was writing it")
                .contains("pass `overwrite`");
        assertThat(tmp.resolve("out/part-00000")).hasContent("the other job's");
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary left").containsExactly("out");
        }

        AtomicOutputDirectory.write(other, true, temporary -> {
            writeFile(temporary, "part-00000", "this job's");
            AtomicOutputDirectory.write(other, false, theirs -> writeFile(theirs, "part-00000", "the other job's"));
        });
        assertThat(tmp.resolve("other/part-00000")).as("--overwrite: the later publication wins").hasContent("this job's");
    }

    private static void writeFile(Path folder, String name, String content) {
        try {
            java.nio.file.Path dir = Files.createDirectories(java.nio.file.Path.of(folder.toString()));
            Files.writeString(dir.resolve(name), content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
