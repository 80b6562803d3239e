package org.emnistnet.data;

import java.io.Serializable;
import java.util.Map;

/**
 * One split whose image and label files were checked end to end: headers, dimensions, counts, payload length,
 * label range and checksums.
 *
 * @param classCounts number of records per 0-based class, as the label file holds them
 * @param sha256      SHA-256 per file name (of the decompressed payload), for the manifest
 */
public record ValidatedSplit(String split, String imagesPath, String labelsPath, long count, int rows, int cols,
                             long[] classCounts, Map<String, String> sha256) implements Serializable {
}
