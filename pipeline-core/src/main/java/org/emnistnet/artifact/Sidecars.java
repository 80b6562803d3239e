package org.emnistnet.artifact;

import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;


/**
 * {@code <file>.sha256} sidecars in {@code sha256sum} format, written after the file they describe: a file
 * without its sidecar was never completely written, and a file whose bytes no longer match is refused.
 */
public final class Sidecars {
    private Sidecars() {
    }

    public static Path sidecarOf(Path file) {
        return new Path(file.getParent(), file.getName() + ".sha256");
    }

    /** Writes {@code bytes} as {@code file} and then its sidecar, both atomically; returns the SHA-256. */
    public static String writeWithSidecar(Path file, byte[] bytes) {
        AtomicFiles.delete(sidecarOf(file)); // from here until the new sidecar, the file counts as incomplete
        AtomicFiles.write(file, bytes);
        String sha = Sha256.of(bytes);
        AtomicFiles.writeString(sidecarOf(file), sha + "  " + file.getName() + "\n");
        return sha;
    }

    public static boolean hasSidecar(Path file) {
        return AtomicFiles.isFile(sidecarOf(file));
    }

    public static String readSidecar(Path file) {
        Path sidecar = sidecarOf(file);
        if (!AtomicFiles.isFile(sidecar)) {
            throw new EmnistNetException(file + ": no " + sidecar.getName() + " beside it, so its integrity cannot be checked");
        }
        String line = AtomicFiles.readString(sidecar).trim();
        String[] fields = line.split("\\s+", 2);
        // a damaged sidecar is the sidecar's fault, not the file's: say which of the two is wrong
        if (!SHA256_HEX.matcher(fields[0]).matches() || (fields.length == 2 && !fields[1].equals(file.getName())
                && !fields[1].equals("*" + file.getName()))) {
            throw new EmnistNetException(sidecar + ": damaged (expected '<64 hex digits>  " + file.getName() + "', found '"
                    + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'): the sidecar is wrong, not necessarily "
                    + file.getName() + "; re-create it with sha256sum " + file.getName() + " if you trust the file");
        }
        return fields[0];
    }

    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");

    /**
     * The file's bytes after checking them against {@code expectedSha256}, or against its sidecar when that is
     * null: bytes that changed since they were written are refused.
     */
    public static byte[] readVerified(Path file, String expectedSha256) {
        byte[] bytes = AtomicFiles.read(file);
        String expected = expectedSha256 != null ? expectedSha256 : readSidecar(file);
        String actual = Sha256.of(bytes);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new EmnistNetException(file + ": SHA-256 mismatch: expected " + expected + " but the file has "
                    + actual + " (corrupt or modified; refusing to load it)");
        }
        return bytes;
    }

}
