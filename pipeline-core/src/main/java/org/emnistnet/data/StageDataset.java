package org.emnistnet.data;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.Manifests;
import org.emnistnet.artifact.Sha256;
import org.emnistnet.artifact.Stage;
import org.emnistnet.artifact.StageManifest;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A stage's output as the next stage takes it: its folder, its {@code _manifest.json} read and checked once (the
 * right stage's output, every field typed) and that file's SHA-256 from the same bytes, and its rows read with the
 * path taken literally (a folder named {@code img[1]} is that folder). {@link RawDataset} and {@link PreparedDataset}
 * are the two kinds, so that a raw dataset cannot be passed where prepared images are needed.
 */
public abstract sealed class StageDataset permits RawDataset, PreparedDataset {
    private final Path path;
    private final StageManifest manifest;
    private final String manifestSha256;

    StageDataset(String userPath, Stage stage) {
        path = HadoopFiles.qualified(userPath);
        Path file = new Path(path, Manifests.FILE_NAME);
        if (!HadoopFiles.exists(file)) {
            throw new InvalidDataException(userPath + ": no " + Manifests.FILE_NAME
                    + " (is this the complete output of an earlier stage?)");
        }
        byte[] bytes;
        try (InputStream in = HadoopFiles.open(file)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new InvalidDataException(file + ": cannot be read: " + e.getMessage(), e);
        }
        String actual = parse(file, bytes, JsonNode.class).path("stage").asText(null);
        if (!stage.id().equals(actual)) {
            throw new InvalidDataException(userPath + ": is the output of " + (actual == null ? "no known stage" : "'" + actual + "'")
                    + " (" + Manifests.FILE_NAME + " says stage " + actual + "), expected the output of '" + stage + "'");
        }
        manifest = parse(file, bytes, StageManifest.class);
        manifestSha256 = Sha256.of(bytes);
    }

    private static <T> T parse(Path file, byte[] bytes, Class<T> type) {
        try {
            return AtomicFiles.parseJson(file.toString(), bytes, type);
        } catch (org.emnistnet.EmnistNetException e) {
            throw new InvalidDataException(e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public StageManifest manifest() {
        return manifest;
    }

    /** The manifest's SHA-256: the handle by which later stages cite this input. */
    public String manifestSha256() {
        return manifestSha256;
    }

    public String dataset() {
        return manifest.dataset();
    }

    public List<String> classes() {
        return manifest.classNames();
    }

    /** All rows (id, label, pixels, split). */
    public Dataset<Row> rows(SparkSession spark) {
        return spark.read().parquet(HadoopFiles.literal(path.toString()));
    }

    /** The rows of {@code split}. */
    public Dataset<Row> split(SparkSession spark, Split split) {
        return split.of(rows(spark));
    }

    /** Whether the manifest lists {@code split} (with or without rows). */
    public boolean has(Split split) {
        return manifest.rows().containsKey(split.id());
    }

    /** The path as a person reads it. */
    @Override
    public String toString() {
        return HadoopFiles.display(path);
    }
}
