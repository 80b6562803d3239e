package org.emnistnet.jobs;

import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Damaged or foreign input and an unresponsive server: exit 1 with one line naming the file or server, no output. */
class BadInputTest {
    private static final Path MODEL = Path.of("../models/fashion-mnist");
    @TempDir
    Path tmp;

    private void assertFailsNaming(JobOutput.Run run, String... named) {
        System.out.println(run.err()); // the line a user sees, in the test report
        assertEquals(JobRunner.FAILED, run.code(), run.out() + run.err());
        assertThat(run.err().strip().lines()).as("one line, no stack trace").hasSize(1);
        assertThat(run.err()).contains(named);
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    private Path copyOfPrepared() throws Exception {
        Path source = Path.of(PreparedFashionMnist.path());
        Path copy = tmp.resolve("prepared");
        try (var files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.getFileName().toString().endsWith(".crc")) { // a copy made by a tool that knows no checksums
                    Files.copy(file, copy.resolve(source.relativize(file).toString()));
                }
            }
        }
        return copy;
    }

    @Test
    void aTruncatedParquetFileIsNamed() throws Exception {
        Path prepared = copyOfPrepared();
        Path part;
        try (var files = Files.list(prepared.resolve("split=test"))) {
            part = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(part.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
        assertFailsNaming(JobOutput.capture(new ScoreJob(), "--model", MODEL.resolve("model.zip").toString(),
                "--in", prepared.toString(), "--out", tmp.resolve("out").toString(), "--master", "local[1]"),
                part.getFileName().toString(), "damaged");
    }

    @Test
    void parquetWithoutTheColumnsAJobReadsIsNamed() throws Exception {
        Path prepared = Files.createDirectories(tmp.resolve("prepared"));
        Files.copy(Path.of(PreparedFashionMnist.path()).resolve("_manifest.json"), prepared.resolve("_manifest.json"));
        SparkTestSession.get().range(10).selectExpr("cast(id as string) as id", "'test' as split")
                .write().partitionBy("split").parquet(prepared.resolve("data").toString());
        Files.move(prepared.resolve("data/split=test"), prepared.resolve("split=test"));
        assertFailsNaming(JobOutput.capture(new ScoreJob(), "--model", MODEL.resolve("model.zip").toString(),
                "--in", prepared.toString(), "--out", tmp.resolve("out").toString(), "--master", "local[1]"),
                prepared.toString(), "not a prepared dataset with the columns scoring reads", "pixels");
    }

    @Test
    void aZipThatIsNoModelIsNamed() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model"));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(model.resolve("model.zip")))) {
            zip.putNextEntry(new ZipEntry("holiday.txt"));
            zip.write("a zip, but no model".getBytes());
        }
        String sha = org.emnistnet.artifact.Sha256.of(Files.readAllBytes(model.resolve("model.zip")));
        Files.writeString(model.resolve("model.json"), Files.readString(MODEL.resolve("model.json"))
                .replaceAll("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"" + sha + "\""));
        assertFailsNaming(JobOutput.capture(new ScoreJob(), "--model", model.resolve("model.zip").toString(),
                "--in", PreparedFashionMnist.path(), "--out", tmp.resolve("out").toString(), "--master", "local[1]"),
                "model.zip", "not a DL4J model");
    }

    @Test
    void aModelCardWithAFieldOfTheWrongTypeIsNamedWithTheField() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.copy(MODEL.resolve("model.zip"), model.resolve("model.zip"));
        Files.writeString(model.resolve("model.json"), Files.readString(MODEL.resolve("model.json"))
                .replaceAll("(?s)\"class_names\" : \\[[^\\]]*\\]", "\"class_names\" : \"T-shirt/top\""));
        assertFailsNaming(JobOutput.capture(new ScoreJob(), "--model", model.resolve("model.zip").toString(),
                "--in", PreparedFashionMnist.path(), "--out", tmp.resolve("out").toString(), "--master", "local[1]"),
                "model.json", "field class_names");
    }

    @Test
    void aFullDiskFailsTheJobWithOneLineAndLeavesNothingThere() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "mounting a 64 kB tmpfs needs root");
        try {
            JobOutput.Run run = JobOutput.capture(new ScoreJob(), "--model", MODEL.resolve("model.zip").toString(),
                    "--in", PreparedFashionMnist.path(), "--out", disk.resolve("scores").toString(), "--master", "local[1]");
            assertEquals(JobRunner.FAILED, run.code(), run.out() + run.err());
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(run.err()).contains("out of disk space");
            try (var left = Files.list(disk)) {
                assertThat(left).as("no partial output").isEmpty();
            }
        } finally {
            new ProcessBuilder("umount", "--lazy", disk.toString()).start().waitFor(); // Spark may still hold a file
        }
    }

    @Test
    @Timeout(120)
    void aServerThatAcceptsAndNeverAnswersFailsTheJobWithinItsTimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never read from or answered
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String in = "hdfs://127.0.0.1:" + silent.getLocalPort() + "/lake/prepared";
            assertFailsNaming(JobOutput.capture(new ScoreJob(), "--model", MODEL.resolve("model.zip").toString(),
                    "--in", in, "--out", tmp.resolve("out").toString(), "--master", "local[1]",
                    "--conf", "spark.hadoop.ipc.client.rpc-timeout.ms=5000"), "127.0.0.1:" + silent.getLocalPort());
        }
    }
}
