package org.emnistnet.pipeline;

import org.apache.hadoop.fs.Path;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.RunDirectory;

/**
 * Where the {@code pipeline} job puts each stage's output under one working directory, on any Hadoop filesystem,
 * so that the job, the notebooks and anyone inspecting a run agree on it: raw/ (ingest), prepared/ (prepare),
 * run/ (train), scores/ (score on the test split), report/ (evaluate). The one place these names are written.
 */
public record PipelineLayout(Path root) {
    /** {@code work} as a user gives it: a URI, or a path on the default filesystem relative to the working directory. */
    public static PipelineLayout at(String work) {
        return new PipelineLayout(HadoopFiles.qualified(work));
    }

    public Path raw() {
        return new Path(root, "raw");
    }

    public Path prepared() {
        return new Path(root, "prepared");
    }

    public RunDirectory run() {
        return new RunDirectory(new Path(root, "run"));
    }

    public Path model() {
        return run().model();
    }

    public Path history() {
        return run().file(RunDirectory.HISTORY);
    }

    public Path modelCard() {
        return run().file(RunDirectory.MODEL_CARD);
    }

    public Path scores() {
        return new Path(root, "scores");
    }

    public Path report() {
        return new Path(root, "report");
    }

    /** The working directory as a person reads it: a local path without {@code file:}, others as their URI. */
    @Override
    public String toString() {
        return HadoopFiles.display(root);
    }
}
