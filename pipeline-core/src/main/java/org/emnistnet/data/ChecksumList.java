package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

import org.apache.hadoop.fs.Path;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@code SHA256SUMS} file as {@code sha256sum} writes it: "HEX  NAME" per line, sums of the files as stored. */
public final class ChecksumList {
    public static final String FILE_NAME = "SHA256SUMS";

    private final Map<String, String> sumsByName;

    private ChecksumList(Map<String, String> sumsByName) {
        this.sumsByName = sumsByName;
    }

    /** The list in {@code directory}, or an empty one when the directory has none. */
    public static ChecksumList in(Path directory) {
        Path file = new Path(directory, FILE_NAME);
        Map<String, String> sums = new HashMap<>();
        if (!DataFiles.exists(file)) {
            return new ChecksumList(sums);
        }
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(DataFiles.openRaw(file), StandardCharsets.UTF_8))) {
            int lineNumber = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+\\*?", 2);
                if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{64}")) {
                    throw new InvalidDataException(file + ": line " + lineNumber
                            + ": expected '<64 hex digits>  <file name>' but found '" + line + "'");
                }
                sums.put(parts[1].trim(), parts[0].toLowerCase());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ChecksumList(sums);
    }

    public Optional<String> sumOf(String fileName) {
        return Optional.ofNullable(sumsByName.get(fileName));
    }
}
