package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

/** A file whose SHA-256 is not the one recorded for it. */
public class ChecksumMismatchException extends InvalidDataException {
    public ChecksumMismatchException(String file, String expected, String actual) {
        super(file + ": SHA-256 mismatch: expected " + expected + " but the file has " + actual);
    }
}
