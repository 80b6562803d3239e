package org.emnistnet.data;

import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.Sha256;

import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks one split of an IDX dataset before any Spark work starts, so that bad input fails fast with a message
 * that names the file and the record, and never produces output. One streaming pass per file: it verifies the
 * header, the dimensions, the record count against the descriptor and the other file, the payload length, every
 * label's range and the SHA-256.
 */
public final class IdxSplitValidator {
    private static final Logger LOG = LoggerFactory.getLogger(IdxSplitValidator.class);
    private static final int ROWS = 28;
    private static final int COLS = 28;

    private final DatasetDescriptor dataset;
    private final Path dataDir;
    private final boolean skipChecksum;
    private final ChecksumList storedSums;

    public IdxSplitValidator(DatasetDescriptor dataset, Path dataDir, boolean skipChecksum) {
        this.dataset = dataset;
        this.dataDir = dataDir;
        this.skipChecksum = skipChecksum;
        this.storedSums = ChecksumList.in(dataDir);
    }

    public ValidatedSplit validate(String split) {
        SplitFiles files = dataset.splits().get(split);
        Path images = new Path(dataDir, files.images().file());
        Path labels = new Path(dataDir, files.labels().file());
        Map<String, String> sums = new LinkedHashMap<>();

        ImageScan imageScan = scanImages(images, files.images());
        LabelScan labelScan = scanLabels(labels, files.labels());
        if (imageScan.count != labelScan.count) {
            throw new InvalidDataException("image/label count mismatch: " + images + " has " + imageScan.count
                    + " images but " + labels + " has " + labelScan.count + " labels");
        }
        sums.put(images.getName(), verifyChecksum(images, files.images(), imageScan.hashes));
        sums.put(labels.getName(), verifyChecksum(labels, files.labels(), labelScan.hashes));
        return new ValidatedSplit(split, images.toString(), labels.toString(), labelScan.count, ROWS, COLS,
                labelScan.classCounts, sums);
    }

    private ImageScan scanImages(Path path, IdxFileSpec spec) {
        MessageDigest rawDigest = Sha256.newDigest();
        MessageDigest payloadDigest = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(DataFiles.decompressing(
                new DigestInputStream(DataFiles.openRaw(path), rawDigest), path), payloadDigest)) {
            IdxHeader header = IdxHeader.read(in, path.toString(), IdxHeader.IMAGES_MAGIC);
            if (header.dimensions()[1] != ROWS || header.dimensions()[2] != COLS) {
                throw new InvalidDataException(path + ": wrong dimensions: images are " + header.dimensions()[1] + "x"
                        + header.dimensions()[2] + " (expected " + ROWS + "x" + COLS + ")");
            }
            expectCount(path, spec, header.recordCount());
            long expectedBytes = header.recordCount() * header.recordSize();
            long payloadBytes = countRemaining(in, path, expectedBytes + 1);
            if (payloadBytes < expectedBytes) {
                throw new InvalidDataException(path + ": truncated payload: the header promises " + header.recordCount()
                        + " images (" + expectedBytes + " bytes) but only " + payloadBytes + " bytes follow; record "
                        + payloadBytes / header.recordSize() + " is incomplete");
            }
            if (payloadBytes > expectedBytes) {
                throw new InvalidDataException(path + ": more bytes follow the last of the " + header.recordCount()
                        + " images the header declares (" + expectedBytes + " bytes of images)");
            }
            in.close();
            return new ImageScan(header.recordCount(), new Hashes(Sha256.hex(payloadDigest), Sha256.hex(rawDigest)));
        } catch (IOException e) {
            throw new InvalidDataException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private LabelScan scanLabels(Path path, IdxFileSpec spec) {
        MessageDigest rawDigest = Sha256.newDigest();
        MessageDigest payloadDigest = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(DataFiles.decompressing(
                new DigestInputStream(DataFiles.openRaw(path), rawDigest), path), payloadDigest)) {
            IdxHeader header = IdxHeader.read(in, path.toString(), IdxHeader.LABELS_MAGIC);
            expectCount(path, spec, header.recordCount());
            long[] classCounts = new long[dataset.numClasses()];
            int first = dataset.labelBase();
            int last = first + dataset.numClasses() - 1;
            long record = 0;
            for (int value; (value = in.read()) >= 0; record++) {
                if (record >= header.recordCount()) {
                    throw new InvalidDataException(path + ": bytes follow the last of the " + header.recordCount()
                            + " labels the header declares");
                }
                if (value < first || value > last) {
                    throw new InvalidDataException(path + ": record " + record + ": label " + value
                            + " is outside the dataset's range " + first + ".." + last);
                }
                classCounts[value - first]++;
            }
            if (record < header.recordCount()) {
                throw new InvalidDataException(path + ": truncated payload: the header promises " + header.recordCount()
                        + " labels but the file ends after " + record);
            }
            in.close();
            return new LabelScan(header.recordCount(), classCounts,
                    new Hashes(Sha256.hex(payloadDigest), Sha256.hex(rawDigest)));
        } catch (IOException e) {
            throw new InvalidDataException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private void expectCount(Path path, IdxFileSpec spec, long actual) {
        if (spec.count() != actual) {
            throw new InvalidDataException(path + ": the header declares " + actual + " records but dataset '"
                    + dataset.name() + "' has " + spec.count() + " in this file (never train on part of a dataset)");
        }
    }

    /** Returns the payload SHA-256 recorded in the manifest, after comparing the file with the known sum. */
    private String verifyChecksum(Path path, IdxFileSpec spec, Hashes hashes) {
        String payloadSha = hashes.payload;
        String fileSha = hashes.file;
        if (skipChecksum) {
            LOG.warn("CHECKSUM NOT VERIFIED for {} ({}): payload SHA-256 is {}", path, org.emnistnet.Parameter.SKIP_CHECKSUM, payloadSha);
            return payloadSha;
        }
        if (spec.payloadSha256() != null) {
            if (!spec.payloadSha256().equalsIgnoreCase(payloadSha)) {
                throw new ChecksumMismatchException(path + " (decompressed)", spec.payloadSha256(), payloadSha);
            }
            return payloadSha;
        }
        String stored = storedSums.sumOf(path.getName()).orElseThrow(() -> new InvalidDataException(path
                + ": no SHA-256 is known for this file: neither dataset '" + dataset.name()
                + "' nor " + new Path(dataDir, ChecksumList.FILE_NAME) + " lists it (get the files with: "
                + dataset.howToGet() + ", or pass " + org.emnistnet.Parameter.SKIP_CHECKSUM + ")"));
        if (!stored.equalsIgnoreCase(fileSha)) {
            throw new ChecksumMismatchException(path.toString(), stored, fileSha);
        }
        return payloadSha;
    }

    /**
     * Bytes left in {@code in}, counted up to {@code limit}: a file that decompresses to far more than its header
     * declares (a gzip bomb: 20 MB that inflate to 20 GB) fails at once, not after inflating it all.
     */
    private static long countRemaining(InputStream in, Path path, long limit) {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try {
            for (int n; total < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total))) > 0; ) {
                total += n;
            }
        } catch (IOException e) {
            throw new InvalidDataException(path + ": corrupt or truncated compressed data: " + e.getMessage(), e);
        }
        return total;
    }

    /** SHA-256 of the decompressed IDX bytes and of the file as stored. */
    private record Hashes(String payload, String file) {
    }

    private record ImageScan(long count, Hashes hashes) {
    }

    private record LabelScan(long count, long[] classCounts, Hashes hashes) {
    }
}
