package org.emnistnet.jobs;

import org.emnistnet.score.Engine;
import picocli.CommandLine.Option;

/** {@code --engine onnx|dl4j} of the jobs that run a model forward (a picocli mixin). */
public final class EngineOption {
    @Option(names = "--engine", defaultValue = Engine.DEFAULT_NAME, description = "Forward pass: onnx (ONNX Runtime) or dl4j."
            + " Default: ${DEFAULT-VALUE}, the faster on CPUs (BENCHMARKS.md).")
    String name;

    /** The engine named; an unknown name is a usage error (exit 2), raised before any work. */
    public Engine engine() {
        return Options.engine(name);
    }
}
