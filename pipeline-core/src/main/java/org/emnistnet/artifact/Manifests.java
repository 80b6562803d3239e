package org.emnistnet.artifact;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.emnistnet.InvalidDataException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Reads and writes the {@code _manifest.json} each stage leaves beside its Parquet output (and the scoring summary). */
public final class Manifests {
    public static final String FILE_NAME = "_manifest.json";

    private Manifests() {
    }

    public static void write(Path directory, StageManifest manifest) {
        writeNamed(directory, FILE_NAME, manifest);
    }

    public static void writeNamed(Path directory, String name, Object value) {
        Path file = new Path(directory, name);
        try (FSDataOutputStream out = HadoopFiles.fileSystem(file).create(file, true)) {
            Json.MAPPER.writeValue((OutputStream) out, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static StageManifest read(Path directory) {
        return readNamed(directory, FILE_NAME, StageManifest.class);
    }

    /** A stage's manifest and the SHA-256 of its file, from one read of its bytes. */
    public record Checked(StageManifest manifest, String sha256) {
    }

    /**
     * The manifest of {@code directory}, which must be the output of {@code stage}: given
     * another stage's output, a job would re-split prepared data or train on unoriented images without a word.
     */
    public static StageManifest readOfStage(Path directory, org.emnistnet.artifact.Stage stage) {
        return readChecked(directory, stage).manifest();
    }

    /**
     * {@link #readOfStage}, with the file's SHA-256 from the same bytes. The stage is checked before the rest of
     * the manifest is parsed: the useful error first, whatever else the manifest holds.
     */
    public static Checked readChecked(Path directory, org.emnistnet.artifact.Stage stage) {
        byte[] bytes = readBytes(directory, FILE_NAME);
        Path file = new Path(directory, FILE_NAME);
        String actual = parse(file, bytes, com.fasterxml.jackson.databind.JsonNode.class).path("stage").asText(null);
        if (!stage.id().equals(actual)) {
            throw new InvalidDataException(directory + ": is the output of " + (actual == null ? "no known stage" : "'" + actual + "'")
                    + " (" + FILE_NAME + " says stage " + actual + "), expected the output of '" + stage + "'");
        }
        return new Checked(parse(file, bytes, StageManifest.class), Sha256.of(bytes));
    }

    /** {@code directory/name} read as {@code type}: a missing file, a field missing or of the wrong type is named. */
    public static <T> T readNamed(Path directory, String name, Class<T> type) {
        return parse(new Path(directory, name), readBytes(directory, name), type);
    }

    /** The bytes of {@code directory/name}; a missing or unreadable file is named. */
    private static byte[] readBytes(Path directory, String name) {
        Path file = new Path(directory, name);
        if (!HadoopFiles.exists(file)) {
            throw new InvalidDataException(directory + ": no " + name + " (is this the complete output of an earlier stage?)");
        }
        try (InputStream in = HadoopFiles.open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InvalidDataException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static <T> T parse(Path file, byte[] bytes, Class<T> type) {
        try {
            return AtomicFiles.parseJson(file.toString(), bytes, type);
        } catch (org.emnistnet.EmnistNetException e) {
            throw new InvalidDataException(e.getMessage(), e);
        }
    }

    /** The SHA-256 of a directory's manifest: the handle by which later stages cite their input. */
    public static String sha256(Path directory) {
        return Sha256.ofFile(new Path(directory, FILE_NAME));
    }
}
