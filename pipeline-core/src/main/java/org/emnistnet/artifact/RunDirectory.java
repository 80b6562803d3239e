package org.emnistnet.artifact;

import org.apache.hadoop.fs.Path;

/**
 * A training run's directory on any Hadoop filesystem ({@code file:}, {@code hdfs:}, {@code s3a:}; a plain path is
 * on the default filesystem): the one place that knows its layout.
 * <pre>
 * run.json                  the settings the run was started with (what --resume continues)
 * checkpoints/epoch-NN.zip  network + updater state after each epoch (+ .sha256 sidecar, written last)
 * history.json, curves.png  one record per finished epoch, and its picture
 * model.zip, model.json     the best-validation epoch for serving (+ .sha256) and its provenance
 * staging/                  an epoch's minibatches while it trains, when the run stages them here
 * </pre>
 * In cluster deploy mode (YARN, Kubernetes) the driver's disk goes away with the driver: put the run on the
 * cluster's filesystem so that {@code --resume} finds its checkpoints.
 */
public record RunDirectory(Path root) {
    public static final String RUN_SETTINGS = "run.json";
    public static final String HISTORY = "history.json";
    public static final String CURVES = "curves.png";
    public static final String MODEL = "model.zip";
    public static final String MODEL_CARD = "model.json";
    /** The model's ONNX export, beside model.zip (its SHA-256 in model.json's {@code onnx_sha256}). */
    public static final String MODEL_ONNX = "model.onnx";

    /** The run directory a user named (a URI or a path), fully qualified. */
    public static RunDirectory at(String userPath) {
        return new RunDirectory(HadoopFiles.qualified(userPath.replaceAll("(?<=.)/+$", "")));
    }

    public Path file(String name) {
        return new Path(root, name);
    }

    public Path checkpoints() {
        return file("checkpoints");
    }

    public Path staging() {
        return file("staging");
    }

    public Path model() {
        return file(MODEL);
    }

    /** True once a run has started here (it wrote its history or a checkpoint). */
    public boolean holdsRun() {
        return AtomicFiles.exists(file(HISTORY)) || AtomicFiles.exists(checkpoints());
    }

    public boolean isLocal() {
        return HadoopFiles.isLocal(root);
    }

    @Override
    public String toString() {
        return HadoopFiles.display(root);
    }
}
