package org.emnistnet.score;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.data.ImageFileDecoder;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;

/**
 * A folder of image files to score, read so that every file gets exactly one row and no file can exhaust memory:
 * the listing (sizes only) comes first; files that are empty or larger than {@code maxFileBytes} get an error row
 * from it, and Spark's {@code binaryFile} source reads only the others (its filter on {@code length} is applied
 * before a file's bytes are read). Spark's file sources skip hidden names ({@code .x}, {@code _x}): so does the
 * listing.
 */
final class ImageFolder {
    static final String FILE_TOO_LARGE = "file too large";

    private ImageFolder() {
    }

    /** The file count and the rows (path, null pixels, error) of the files that are not read. */
    record Listing(long files, List<Row> notRead) {
    }

    /** The files Spark reads: (path, content) of every file of 1 to {@code maxFileBytes} bytes. */
    static Dataset<Row> readable(SparkSession spark, String directory, long maxFileBytes) {
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(HadoopFiles.literal(directory))
                .where(col("length").between(1, maxFileBytes)).select("path", "content");
    }

    /**
     * Walks with listStatus, which reads sizes only: listFiles would build LocatedFileStatus objects whose
     * permissions Hadoop's local filesystem reads by running a process per file (30 s for 10,000 files).
     */
    static Listing list(Path directory, long maxFileBytes) {
        long files = 0;
        List<Row> notRead = new ArrayList<>();
        ArrayDeque<Path> pending = new ArrayDeque<>(List.of(directory));
        try {
            FileSystem fs = HadoopFiles.fileSystem(directory);
            while (!pending.isEmpty()) {
                for (FileStatus status : fs.listStatus(pending.pop())) {
                    String name = status.getPath().getName();
                    if (name.startsWith(".") || name.startsWith("_")) {
                        continue;
                    }
                    if (status.isDirectory()) {
                        pending.push(status.getPath());
                        continue;
                    }
                    files++;
                    String reason = status.getLen() == 0 ? ImageFileDecoder.EMPTY
                            : status.getLen() > maxFileBytes ? String.format(Locale.ROOT,
                            "%s: %,d bytes, more than --max-file-bytes %,d", FILE_TOO_LARGE, status.getLen(), maxFileBytes)
                            : null;
                    if (reason != null) {
                        notRead.add(RowFactory.create(status.getPath().toString(), null, reason));
                    }
                }
            }
        } catch (IOException e) {
            throw new EmnistNetException(directory + ": cannot list files: " + e.getMessage(), e);
        }
        return new Listing(files, notRead);
    }
}
