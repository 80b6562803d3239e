package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Records {@code [start, end)} of one validated split, read by an executor straight from the IDX files. gzip
 * streams cannot seek, so a range decompresses and skips what precedes it: cheap next to Parquet encoding, and it
 * keeps the driver out of the data path.
 */
public final class IdxRange implements Serializable {
    // A class, not a record: Spark ships parallelized values with Kryo 4, which cannot construct records.
    private final String split;
    private final String imagesPath;
    private final String labelsPath;
    private final long start;
    private final long end;
    private final int labelBase;
    private final int imageBytes;

    public IdxRange(String split, String imagesPath, String labelsPath, long start, long end, int labelBase,
                    int imageBytes) {
        this.split = split;
        this.imagesPath = imagesPath;
        this.labelsPath = labelsPath;
        this.start = start;
        this.end = end;
        this.labelBase = labelBase;
        this.imageBytes = imageBytes;
    }

    /** Rows of {@link ImageSchema#RAW}, streamed: the files are closed when the last row has been read. */
    public Iterator<Row> rows() {
        InputStream images = openAt(imagesPath, 16 + start * imageBytes);
        InputStream labels = openAt(labelsPath, 8 + start);
        return new Iterator<>() {
            private long next = start;

            @Override
            public boolean hasNext() {
                if (next < end) {
                    return true;
                }
                close(images);
                close(labels);
                return false;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    byte[] pixels = images.readNBytes(imageBytes);
                    int label = labels.read();
                    if (pixels.length != imageBytes || label < 0) {
                        throw new InvalidDataException(imagesPath + ": record " + next + " ends early (the file changed after validation?)");
                    }
                    return RowFactory.create(ImageSchema.idOf(split, next++), split, label - labelBase, pixels);
                } catch (IOException e) {
                    throw new UncheckedIOException(imagesPath + ": cannot read record " + next, e);
                }
            }
        };
    }

    private static InputStream openAt(String file, long offset) {
        InputStream in = DataFiles.openContent(new Path(file));
        try {
            in.skipNBytes(offset);
        } catch (IOException e) {
            close(in);
            throw new UncheckedIOException(file + ": cannot skip to byte " + offset, e);
        }
        return in;
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // reading is complete; nothing depends on the close
        }
    }
}
