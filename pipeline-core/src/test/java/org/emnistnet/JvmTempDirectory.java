package org.emnistnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temporary folder that lives as long as the test JVM: for fixtures made once and shared by its test classes. */
public final class JvmTempDirectory {
    private JvmTempDirectory() {
    }

    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            // deleteOnExit removes empty directories only: ~100 MB per test JVM were left in /tmp
            Runtime.getRuntime().addShutdownHook(new Thread(() -> org.apache.hadoop.fs.FileUtil.fullyDelete(dir.toFile())));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
