package org.emnistnet.notebook;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.emnistnet.EmnistNetException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reading and writing notebook JSON (.ipynb and .zpln), with the multi-line string form Jupyter uses. */
final class NotebookFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NotebookFiles() {
    }

    static ObjectNode readJson(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (!(node instanceof ObjectNode object)) {
                throw new EmnistNetException(file + ": not a notebook (expected a JSON object at the top level)");
            }
            return object;
        } catch (IOException e) {
            throw new EmnistNetException(file + ": not valid notebook JSON: " + e.getMessage(), e);
        }
    }

    /** Written through a temporary sibling (one-space indent, as Jupyter writes), so a failed run leaves no half file. */
    static void writeJson(ObjectNode notebook, Path file) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter(" ", "\n"))
                .withArrayIndenter(new DefaultIndenter(" ", "\n"));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path part = file.resolveSibling(file.getFileName() + ".part");
            Files.writeString(part, JSON.writer(printer).writeValueAsString(notebook) + "\n");
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A cell's source: Jupyter stores it as one string or as a list of lines. */
    static String source(JsonNode cell) {
        JsonNode source = cell.path("source");
        if (source.isArray()) {
            StringBuilder text = new StringBuilder();
            source.forEach(line -> text.append(line.asText()));
            return text.toString();
        }
        return source.asText();
    }

    /** Text as Jupyter's list of lines, each but the last ending in a newline. */
    static ArrayNode lines(String text) {
        ArrayNode lines = JsonNodeFactory.instance.arrayNode();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                lines.add(text.substring(start));
                break;
            }
            lines.add(text.substring(start, end + 1));
            start = end + 1;
        }
        return lines;
    }
}
