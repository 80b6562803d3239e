package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The header of an IDX file: a magic number (two zero bytes, a data-type byte, a dimension-count byte) and one
 * big-endian int per dimension. This project reads unsigned-byte files only: labels (magic 2049, 1 dimension)
 * and images (magic 2051, 3 dimensions: count, rows, columns).
 */
public record IdxHeader(int magic, int[] dimensions) {
    public static final int LABELS_MAGIC = 0x0801;
    public static final int IMAGES_MAGIC = 0x0803;

    /** Reads and checks a header; {@code file} names the file in error messages. */
    public static IdxHeader read(InputStream in, String file, int expectedMagic) {
        DataInputStream data = new DataInputStream(in);
        try {
            int magic = data.readInt();
            if (magic != expectedMagic) {
                throw new InvalidDataException(file + ": wrong magic number " + magic + " (expected " + expectedMagic
                        + " for an IDX " + (expectedMagic == IMAGES_MAGIC ? "image" : "label") + " file)");
            }
            int[] dimensions = new int[magic & 0xff];
            for (int i = 0; i < dimensions.length; i++) {
                dimensions[i] = data.readInt();
                if (dimensions[i] < 0) {
                    throw new InvalidDataException(file + ": dimension " + i + " is negative (" + dimensions[i] + ")");
                }
            }
            return new IdxHeader(magic, dimensions);
        } catch (EOFException e) {
            throw new InvalidDataException(file + ": truncated header (the file ends before its IDX header does)", e);
        } catch (IOException e) {
            throw new InvalidDataException(file + ": cannot read the IDX header: " + e.getMessage(), e);
        }
    }

    public long recordCount() {
        return dimensions[0];
    }

    /** Bytes per record: 1 for a label, rows x columns for an image. */
    public int recordSize() {
        int size = 1;
        for (int i = 1; i < dimensions.length; i++) {
            size *= dimensions[i];
        }
        return size;
    }

    public int headerBytes() {
        return 4 + 4 * dimensions.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdxHeader that && magic == that.magic && Arrays.equals(dimensions, that.dimensions);
    }

    @Override
    public int hashCode() {
        return 31 * magic + Arrays.hashCode(dimensions);
    }

    @Override
    public String toString() {
        return "IdxHeader[magic=" + magic + ", dimensions=" + Arrays.toString(dimensions) + "]";
    }
}
