package org.emnistnet.model;

import org.emnistnet.EmnistNetException;
import org.emnistnet.data.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code <file>.sha256} sidecars in {@code sha256sum} format, written after the file they describe: a file
 * without its sidecar was never completely written.
 */
public final class Checksums {
    private Checksums() {
    }

    public static Path sidecarOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }

    /** Writes the sidecar atomically and returns the SHA-256. */
    public static String writeSidecar(Path file) {
        try {
            String sha = Sha256.of(Files.newInputStream(file));
            Path part = sidecarOf(file).resolveSibling(sidecarOf(file).getFileName() + ".part");
            Files.writeString(part, sha + "  " + file.getFileName() + "\n");
            Files.move(part, sidecarOf(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return sha;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checksum of " + file, e);
        }
    }

    public static String readSidecar(Path file) {
        Path sidecar = sidecarOf(file);
        try {
            if (!Files.isRegularFile(sidecar)) {
                throw new EmnistNetException(file + ": no " + sidecar.getFileName() + " beside it, so its integrity cannot be checked");
            }
            return Files.readString(sidecar).trim().split("\\s+")[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sidecar, e);
        }
    }
}
