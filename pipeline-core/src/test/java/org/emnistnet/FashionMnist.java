package org.emnistnet;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real Fashion-MNIST files from Debian's dataset-fashion-mnist package, which .ci/run installs. */
public final class FashionMnist {
    public static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private FashionMnist() {
    }

    /** The directory, or a failure that says how to get it: end-to-end tests never silently skip. */
    public static Path dir() {
        if (!Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz"))) {
            throw new AssertionError("Fashion-MNIST is missing: run `apt-get install -y dataset-fashion-mnist`");
        }
        return DIR;
    }
}
