package org.emnistnet.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Reads and writes the {@code _manifest.json} each stage leaves beside its Parquet output. */
public final class Manifests {
    public static final String FILE_NAME = "_manifest.json";
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifests() {
    }

    public static void write(Path directory, Map<String, Object> manifest) {
        writeNamed(directory, FILE_NAME, manifest);
    }

    public static void writeNamed(Path directory, String name, Map<String, Object> manifest) {
        Path file = new Path(directory, name);
        try (FSDataOutputStream out = DataFiles.fileSystem(file).create(file, true)) {
            JSON.writeValue((OutputStream) out, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static Map<String, Object> read(Path directory) {
        return readNamed(directory, FILE_NAME);
    }

    /**
     * The manifest of {@code directory}, which must be the output of {@code stage} ("ingest", "prepare"): given
     * another stage's output, a job would re-split prepared data or train on unoriented images without a word.
     */
    public static Map<String, Object> readOfStage(Path directory, String stage) {
        Map<String, Object> manifest = read(directory);
        Object actual = manifest.get("stage");
        if (!stage.equals(actual)) {
            throw new InvalidDataException(directory + ": is the output of " + (actual == null ? "no known stage" : "'" + actual + "'")
                    + " (" + FILE_NAME + " says stage " + actual + "), expected the output of '" + stage + "'");
        }
        return manifest;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readNamed(Path directory, String name) {
        Path file = new Path(directory, name);
        if (!DataFiles.exists(file)) {
            throw new InvalidDataException(directory + ": no " + name + " (is this the complete output of an earlier stage?)");
        }
        try (InputStream in = DataFiles.openRaw(file)) {
            return JSON.readValue(in, Map.class);
        } catch (IOException e) {
            throw new InvalidDataException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of a directory's manifest: the handle by which later stages cite their input. */
    public static String sha256(Path directory) {
        return Sha256.ofFile(new Path(directory, FILE_NAME));
    }
}
