package org.emnistnet.data;

import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.Sha256;

import org.emnistnet.EmnistNetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
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
    /** How long a server may stay silent, before its headers or in the middle of the body, before fetch gives up. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_REDIRECTS = 5;
    private final Duration stallTimeout;

    public ArchiveFetcher() {
        this(DEFAULT_STALL_TIMEOUT);
    }

    public ArchiveFetcher(Duration stallTimeout) {
        this.stallTimeout = stallTimeout;
    }

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

    /**
     * With {@code HttpURLConnection} rather than {@code java.net.http.HttpClient}: only the former has a read
     * timeout on the body, and a server that stalls after its headers must not hang fetch for ever.
     */
    private long download(URI url, Path target, ArchiveSource source) throws IOException {
        LOG.info("downloading {}", url);
        URI location = url;
        for (int redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
            HttpURLConnection connection = (HttpURLConnection) location.toURL().openConnection();
            // followed here, not by HttpURLConnection: it never follows http -> https, which mirrors often do
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(Math.toIntExact(CONNECT_TIMEOUT.toMillis()));
            connection.setReadTimeout(Math.toIntExact(stallTimeout.toMillis()));
            try {
                int status = connection.getResponseCode();
                String next = connection.getHeaderField("Location");
                if (status / 100 == 3 && next != null) {
                    URI redirected = location.resolve(next);
                    if ("https".equals(location.getScheme()) && !"https".equals(redirected.getScheme())) {
                        throw new IOException(location + " redirects to " + redirected + ": not followed from https");
                    }
                    location = redirected;
                    continue;
                }
                if (status != 200) {
                    throw new IOException("HTTP " + status + " from " + location);
                }
                return body(connection, location, target, source);
            } catch (SocketTimeoutException e) {
                throw new IOException("the server sent nothing for " + stallTimeout.toSeconds() + " s (" + e.getMessage() + ")", e);
            } finally {
                connection.disconnect();
            }
        }
        throw new IOException(url + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private long body(HttpURLConnection connection, URI url, Path target, ArchiveSource source) throws IOException {
        long declared = connection.getContentLengthLong();
        MessageDigest digest = digestFor(source);
        long received;
        try (InputStream body = new DigestInputStream(connection.getInputStream(), digest);
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
