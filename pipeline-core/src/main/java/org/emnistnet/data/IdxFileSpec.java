package org.emnistnet.data;

import java.io.Serializable;

/**
 * One IDX file of a dataset as its descriptor records it.
 *
 * @param file          file name inside the dataset's data directory (gzip-compressed when it ends in .gz)
 * @param count         number of records the file must hold
 * @param payloadSha256 SHA-256 of the decompressed IDX bytes (header included), or null where no published sum
 *                      exists; then the data directory's SHA256SUMS (written by {@code fetch}) must cover the file
 */
public record IdxFileSpec(String file, long count, String payloadSha256) implements Serializable {
}
