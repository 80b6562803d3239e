package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

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
    /**
     * A descriptor may come from anywhere (--dataset my.json): a name with a folder in it, or an absolute one,
     * would open a file outside --data (and its first bytes would show in the error about its magic number).
     */
    public IdxFileSpec {
        if (file == null || file.isBlank() || file.contains("/") || file.contains("\\") || file.equals(".") || file.equals("..")) {
            throw new InvalidDataException("IDX file name '" + file + "' must be the name of a file inside the data folder"
                    + " (no folder in it, not absolute)");
        }
    }
}
