package org.emnistnet.data;

import org.emnistnet.artifact.Sha256;

import com.sun.net.httpserver.HttpServer;
import org.emnistnet.EmnistNetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** fetch: a real HTTP download from a server on 127.0.0.1, verified, extracted, and all-or-nothing. */
class ArchiveFetcherTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private byte[] archive;
    private DatasetDescriptor dataset;
    private Path dataDir;

    @BeforeEach
    void serveASmallArchive() throws Exception {
        IdxFixture fixture = new IdxFixture(Files.createDirectory(tmp.resolve("fixture")), 10, 5);
        dataset = fixture.descriptor();
        archive = zip(fixture, "gzip/");
        dataDir = tmp.resolve("data");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/gzip.zip", exchange -> {
            exchange.sendResponseHeaders(200, archive.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(archive);
            }
        });
        server.createContext("/cut.zip", exchange -> {
            exchange.sendResponseHeaders(200, archive.length);
            OutputStream body = exchange.getResponseBody();
            body.write(archive, 0, archive.length / 3);
            body.flush();
            exchange.close(); // the connection ends mid-download
        });
        server.createContext("/moved.zip", exchange -> {
            exchange.getResponseHeaders().add("Location", "/gzip.zip");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/stall.zip", exchange -> {
            exchange.sendResponseHeaders(200, archive.length);
            OutputStream body = exchange.getResponseBody();
            body.write(archive, 0, 100);
            body.flush();
            try {
                Thread.sleep(60_000); // and then nothing: the server stalls after its headers and a few bytes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "test-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void downloadsVerifiesAndExtractsTheFilesWithTheirChecksums() throws Exception {
        ArchiveSource source = new ArchiveSource(url("/gzip.zip"), md5(archive), null, "gzip/");
        ArchiveFetcher.Result result = new ArchiveFetcher().fetch(dataset, source, dataDir);

        assertEquals(archive.length, result.archiveBytes());
        assertThat(fileNames()).containsExactlyInAnyOrder("SHA256SUMS", IdxFixture.imagesFile("train"),
                IdxFixture.labelsFile("train"), IdxFixture.imagesFile("test"), IdxFixture.labelsFile("test"));
        String trainImages = Sha256.of(Files.newInputStream(dataDir.resolve(IdxFixture.imagesFile("train"))));
        assertEquals(trainImages, ChecksumList.in(new org.apache.hadoop.fs.Path(dataDir.toUri())).sumOf(IdxFixture.imagesFile("train")).orElseThrow());
        // what fetch wrote is what ingest accepts
        new IdxSplitValidator(dataset, new org.apache.hadoop.fs.Path(dataDir.toUri()), false).validate("train");
    }

    @Test
    void aRedirectIsFollowed() {
        ArchiveSource source = new ArchiveSource(url("/moved.zip"), md5(archive), null, "gzip/");
        assertEquals(archive.length, new ArchiveFetcher().fetch(dataset, source, dataDir).archiveBytes());
    }

    @Test
    void aWrongChecksumLeavesNothingBehind() {
        ArchiveSource source = new ArchiveSource(url("/gzip.zip"), "0".repeat(32), null, "gzip/");
        EmnistNetException error = assertThrows(EmnistNetException.class,
                () -> new ArchiveFetcher().fetch(dataset, source, dataDir));
        assertThat(error.getMessage()).contains("/gzip.zip").contains("mismatch");
        assertThat(fileNames()).isEmpty();
    }

    @Test
    void aConnectionCutMidDownloadLeavesNothingBehind() {
        ArchiveSource source = new ArchiveSource(url("/cut.zip"), md5(archive), null, "gzip/");
        EmnistNetException error = assertThrows(EmnistNetException.class,
                () -> new ArchiveFetcher().fetch(dataset, source, dataDir));
        assertThat(error.getMessage()).contains("/cut.zip").contains("nothing was written");
        assertThat(fileNames()).isEmpty();
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aServerThatStallsMidDownloadIsGivenUpOnAfterTheStallTimeoutLeavingNothingBehind() {
        ArchiveSource source = new ArchiveSource(url("/stall.zip"), md5(archive), null, "gzip/");
        EmnistNetException error = assertThrows(EmnistNetException.class,
                () -> new ArchiveFetcher(java.time.Duration.ofSeconds(2)).fetch(dataset, source, dataDir));
        assertThat(error.getMessage()).contains("/stall.zip").contains("the server sent nothing for 2 s")
                .contains("nothing was written");
        assertThat(fileNames()).as("no .part file left").isEmpty();
    }

    @Test
    void anArchiveWithoutTheExpectedMembersIsRefused() throws Exception {
        ArchiveSource source = new ArchiveSource(url("/gzip.zip"), md5(archive), null, "other-folder/");
        EmnistNetException error = assertThrows(EmnistNetException.class,
                () -> new ArchiveFetcher().fetch(dataset, source, dataDir));
        assertThat(error.getMessage()).contains("has no member other-folder/" + IdxFixture.imagesFile("train"));
        assertThat(fileNames()).isEmpty();
    }

    private List<String> fileNames() {
        if (!Files.exists(dataDir)) {
            return List.of();
        }
        try (var files = Files.list(dataDir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] zip(IdxFixture fixture, String prefix) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(prefix + "README"));
            zip.write("other splits live here too".getBytes());
            for (String split : List.of("train", "test")) {
                for (String name : List.of(IdxFixture.imagesFile(split), IdxFixture.labelsFile(split))) {
                    zip.putNextEntry(new ZipEntry(prefix + name));
                    zip.write(Files.readAllBytes(fixture.dir.resolve(name)));
                }
            }
        }
        return bytes.toByteArray();
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
