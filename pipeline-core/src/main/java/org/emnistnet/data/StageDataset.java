package org.emnistnet.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.Manifests;
import org.emnistnet.artifact.Stage;
import org.emnistnet.artifact.StageManifest;

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
        Manifests.Checked checked = Manifests.readChecked(new Path(userPath), stage); // errors name the path as given
        manifest = checked.manifest();
        manifestSha256 = checked.sha256();
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
