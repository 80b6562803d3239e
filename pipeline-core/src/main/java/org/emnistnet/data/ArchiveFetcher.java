package org.emnistnet.data;

import org.emnistnet.EmnistNetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Downloads a dataset's published archive, verifies it against the published checksum, and extracts the
 * dataset's IDX files into a data directory with a {@code SHA256SUMS} beside them. Files appear under their final
 * names only when every one of them was downloaded, verified and extracted: a cut connection, a wrong checksum or
 * a missing member leaves the directory as it was.
 */
public final class ArchiveFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveFetcher.class);
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    public record Result(Path dataDir, Map<String, String> sha256, long archiveBytes) {
    }

    public Result fetch(DatasetDescriptor dataset, ArchiveSource source, Path dataDir) {
        List<String> members = new ArrayList<>();
        dataset.splits().values().forEach(files -> {
            members.add(files.images().file());
            members.add(files.labels().file());
        });
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path archive = dataDir.resolve(".archive-" + tag + ".zip.part");
        List<Path> staged = new ArrayList<>();
        try {
            Files.createDirectories(dataDir);
            long bytes = download(URI.create(source.url()), archive, source);
            Map<String, String> sums = new LinkedHashMap<>();
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                for (String member : members) {
                    Path part = dataDir.resolve("." + member + "." + tag + ".part");
                    staged.add(part);
                    sums.put(member, extract(zip, source.memberPrefix() + member, part, source.url()));
                }
            }
            Path sumsPart = dataDir.resolve("." + ChecksumList.FILE_NAME + "." + tag + ".part");
            staged.add(sumsPart);
            StringBuilder lines = new StringBuilder();
            sums.forEach((member, sum) -> lines.append(sum).append("  ").append(member).append('\n'));
            Files.writeString(sumsPart, lines);
            for (int i = 0; i < members.size(); i++) {
                Files.move(staged.get(i), dataDir.resolve(members.get(i)), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(sumsPart, dataDir.resolve(ChecksumList.FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            LOG.info("fetched {} files of {} into {}", members.size(), dataset.name(), dataDir);
            return new Result(dataDir, sums, bytes);
        } catch (IOException e) {
            throw new EmnistNetException("fetch of " + source.url() + " failed: " + describe(e)
                    + " (nothing was written to " + dataDir + ")", e);
        } finally {
            deleteQuietly(archive);
            staged.forEach(ArchiveFetcher::deleteQuietly);
        }
    }

    private long download(URI url, Path target, ArchiveSource source) throws IOException {
        LOG.info("downloading {}", url);
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP " + response.statusCode() + " from " + url);
        }
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        MessageDigest digest = digestFor(source);
        long received;
        try (InputStream body = new DigestInputStream(response.body(), digest);
             OutputStream out = Files.newOutputStream(target)) {
            received = body.transferTo(out);
        }
        if (declared >= 0 && received != declared) {
            throw new IOException("connection ended after " + received + " of " + declared + " bytes");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        String expected = source.sha256() != null ? source.sha256() : source.md5();
        if (!expected.equalsIgnoreCase(actual)) {
            throw new ChecksumMismatchException(url + " (" + digest.getAlgorithm() + ")", expected, actual);
        }
        return received;
    }

    private static String extract(ZipFile zip, String name, Path target, String archiveUrl) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new InvalidDataException(archiveUrl + ": the archive has no member " + name);
        }
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(zip.getInputStream(entry), digest);
             OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
        return Sha256.hex(digest);
    }

    private static MessageDigest digestFor(ArchiveSource source) {
        try {
            return MessageDigest.getInstance(source.sha256() != null ? "SHA-256" : "MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover hidden .part file is harmless and named as such
        }
    }
}
