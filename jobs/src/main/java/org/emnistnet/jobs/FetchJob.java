package org.emnistnet.jobs;

import org.emnistnet.EmnistNetException;
import org.emnistnet.data.ArchiveFetcher;
import org.emnistnet.data.ArchiveSource;
import org.emnistnet.data.DatasetDescriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Fetch: downloads a dataset's published archive (EMNIST: NIST's gzip.zip), verifies its checksum, and extracts
 * the IDX files with a SHA256SUMS into the data directory. Needs no Spark.
 *
 * <pre>
 * bin/emnistnet fetch --dataset emnist-letters            # into data/emnist-letters/
 * bin/emnistnet fetch --url https://mirror.example/gzip.zip --md5 58c8d27c78d21e728a6bc7b3cc06412e
 * </pre>
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Download and verify a dataset's published archive and extract its IDX files.")
public final class FetchJob implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "emnist-letters", paramLabel = "NAME",
            description = "Dataset to fetch. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Where to put the files. Default: the dataset's own (data/<name>).")
    String dataDir;

    @Option(names = "--url", paramLabel = "URL", description = "A mirror of the archive. Default: the publisher's address.")
    String url;

    @Option(names = "--md5", paramLabel = "HEX", description = "Expected MD5 of the archive (with --url).")
    String md5;

    @Option(names = "--sha256", paramLabel = "HEX", description = "Expected SHA-256 of the archive (with --url).")
    String sha256;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up (exit 1, nothing written) when the server sends nothing for this long. Default: ${DEFAULT-VALUE}.")
    int stallTimeoutSeconds;

    public static void main(String[] args) {
        JobRunner.main(new FetchJob(), args);
    }

    @Override
    public Integer call() {
        DatasetDescriptor descriptor = DatasetDescriptor.named(dataset);
        ArchiveSource published = descriptor.archive();
        if (published == null && url == null) {
            throw new EmnistNetException("dataset '" + dataset + "' has no download archive; get it with: " + descriptor.howToGet());
        }
        ArchiveSource source = url == null ? published : new ArchiveSource(url,
                md5 != null || sha256 != null ? md5 : published.md5(),
                md5 != null || sha256 != null ? sha256 : published.sha256(),
                published != null ? published.memberPrefix() : "");
        Path target = Path.of(dataDir != null ? dataDir : descriptor.defaultDataDir());
        if (stallTimeoutSeconds <= 0) {
            throw new org.emnistnet.UsageException("--stall-timeout must be a positive number of seconds, got " + stallTimeoutSeconds);
        }
        ArchiveFetcher.Result result = new ArchiveFetcher(java.time.Duration.ofSeconds(stallTimeoutSeconds)).fetch(descriptor, source, target);
        System.out.printf("fetch: %d files (%d MB archive) -> %s%n", result.sha256().size(),
                result.archiveBytes() >> 20, result.dataDir());
        return 0;
    }
}
