package org.emnistnet.data;

import java.io.Serializable;

/**
 * A zip archive that holds a dataset's IDX files, as published by its authors.
 *
 * @param url          HTTP(S) address of the archive
 * @param md5          the published MD5 of the archive (null when a SHA-256 is published instead)
 * @param sha256       the published SHA-256 of the archive, or null
 * @param memberPrefix folder of the IDX files inside the archive ("gzip/" for NIST's EMNIST release)
 */
public record ArchiveSource(String url, String md5, String sha256, String memberPrefix) implements Serializable {
    public ArchiveSource {
        if (md5 == null && sha256 == null) {
            throw new IllegalArgumentException("archive " + url + ": a published MD5 or SHA-256 is required");
        }
    }
}
