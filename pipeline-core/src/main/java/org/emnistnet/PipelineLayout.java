package org.emnistnet;

import java.nio.file.Path;

/**
 * Where the {@code pipeline} job puts each stage's output under one working directory, so that the job, the
 * notebooks and anyone inspecting a run agree on it: raw/ (ingest), prepared/ (prepare), run/ (train),
 * scores/ (score on the test split), report/ (evaluate).
 */
public record PipelineLayout(Path root) {
    public PipelineLayout {
        root = root.toAbsolutePath().normalize();
    }

    public static PipelineLayout at(String root) {
        return new PipelineLayout(Path.of(root));
    }

    public Path raw() {
        return root.resolve("raw");
    }

    public Path prepared() {
        return root.resolve("prepared");
    }

    public Path run() {
        return root.resolve("run");
    }

    public Path model() {
        return run().resolve("model.zip");
    }

    public Path scores() {
        return root.resolve("scores");
    }

    public Path report() {
        return root.resolve("report");
    }
}
