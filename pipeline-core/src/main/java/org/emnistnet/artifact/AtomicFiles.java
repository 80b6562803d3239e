package org.emnistnet.artifact;

import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Files that readers only ever see whole, on any Hadoop filesystem: the bytes go to a hidden sibling
 * ({@code .NAME.part-XXXXXXXX}), which one rename then puts in place. On HDFS that rename is the NameNode's atomic
 * {@code rename(OVERWRITE)}; on a local disk a {@code java.nio} atomic move (Hadoop's local filesystem would
 * also write {@code .crc} files and, without Hadoop's native library, fork {@code chmod} for every file). On
 * object stores (s3a:) a rename is a copy: a reader may see the old or the new file, never a partial one.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code bytes} as {@code file}, replacing any earlier version atomically. */
    public static void write(Path file, byte[] bytes) {
        Path part = new Path(file.getParent(), "." + file.getName() + ".part-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            if (HadoopFiles.isLocal(file)) {
                java.nio.file.Path target = local(file);
                java.nio.file.Path temporary = local(part);
                Files.createDirectories(target.getParent());
                Files.write(temporary, bytes);
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                FileSystem fs = HadoopFiles.fileSystem(file);
                try (OutputStream out = fs.create(part, true)) {
                    out.write(bytes);
                }
                FileContext.getFileContext(fs.getUri(), HadoopFiles.configuration()).rename(part, file, Options.Rename.OVERWRITE);
            }
        } catch (IOException e) {
            deleteQuietly(part);
            throw new EmnistNetException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static void writeString(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code value} as indented JSON. */
    public static void writeJson(Path file, Object value) {
        try {
            write(file, Json.MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new EmnistNetException("cannot serialise " + file.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Writes whatever {@code writer} puts into a stream (kept in memory: artifacts here are a few MB). */
    public static void write(Path file, StreamWriter writer) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);
        try {
            writer.writeTo(buffer);
        } catch (IOException e) {
            throw new EmnistNetException("cannot produce " + file + ": " + e.getMessage(), e);
        }
        write(file, buffer.toByteArray());
    }

    /** The whole file; a missing file is an {@link EmnistNetException} naming it. */
    public static byte[] read(Path file) {
        try (InputStream in = HadoopFiles.fileSystem(file).open(file)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw new EmnistNetException(file + ": file not found");
        } catch (IOException e) {
            throw new EmnistNetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static String readString(Path file) {
        return new String(read(file), StandardCharsets.UTF_8);
    }

    /** Reads a JSON artifact into {@code type}; malformed content names the file and what Jackson found. */
    public static <T> T readJson(Path file, Class<T> type) {
        return parseJson(file.toString(), read(file), type);
    }

    /** JSON from {@code source} (a file, or an entry inside one), with the same one-line error naming it and the field. */
    public static <T> T parseJson(String source, byte[] json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new EmnistNetException(source + ": not a valid " + type.getSimpleName() + ": " + oneLine(e), e);
        }
    }

    public static <T> T readJson(Path file, com.fasterxml.jackson.core.type.TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(read(file), type);
        } catch (IOException e) {
            throw new EmnistNetException(file + ": not valid: " + oneLine(e), e);
        }
    }

    /** Jackson's message without the excerpt of the file it appends: the field's path, what was wrong, where. */
    private static String oneLine(IOException e) {
        if (!(e instanceof com.fasterxml.jackson.core.JsonProcessingException json)) {
            return e.getMessage();
        }
        String where = json.getLocation() == null ? ""
                : " (line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ")";
        String field = json instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? "field " + mapping.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(java.util.stream.Collectors.joining(".")) + ": "
                : "";
        return field + json.getOriginalMessage().lines().findFirst().orElse("") + where;
    }

    public static boolean isFile(Path file) {
        try {
            return HadoopFiles.fileSystem(file).getFileStatus(file).isFile();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new EmnistNetException("cannot look at " + file + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(Path path) {
        try {
            return HadoopFiles.fileSystem(path).exists(path);
        } catch (IOException e) {
            throw new EmnistNetException("cannot look at " + path + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a file or a directory tree; a missing one is fine, a failed delete is an error. */
    public static void delete(Path path) {
        try {
            FileSystem fs = HadoopFiles.fileSystem(path);
            if (fs.exists(path) && !fs.delete(path, true)) {
                throw new EmnistNetException("cannot delete " + path);
            }
        } catch (IOException e) {
            throw new EmnistNetException("cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    public static void mkdirs(Path directory) {
        try {
            if (!HadoopFiles.fileSystem(directory).mkdirs(directory)) {
                throw new EmnistNetException("cannot create the directory " + directory);
            }
        } catch (IOException e) {
            throw new EmnistNetException("cannot create the directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            HadoopFiles.fileSystem(path).delete(path, false);
        } catch (IOException | RuntimeException ignored) {
            // already failing: the write's own error is the one to report; a hidden .part file is named as such
        }
    }

    private static java.nio.file.Path local(Path path) {
        return Paths.get(HadoopFiles.fileSystem(path).makeQualified(path).toUri());
    }

    /** Writes an artifact's bytes to a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
