package org.emnistnet.notebook;

import org.junit.jupiter.api.Tag;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Zeppelin runner: %spark paragraphs in Spark's Scala REPL sharing one session (with closures that run on
 * executors), %sql paragraphs as tables, %html output as HTML; the first failing paragraph stops the run.
 */
@Tag("notebooks")
class ZeppelinRunnerTest {
    private static final Map<String, String> LOCAL = Map.of("spark.master", "local[2]", "spark.ui.enabled", "false");

    @Test
    void sparkAndSqlParagraphsShareTheSessionAndTheirOutputBecomesResults(@TempDir Path dir) throws Exception {
        Path note = note(dir,
                "%md\n# title",
                "%spark\nval squares = spark.range(1, 5).map(i => i * i).toDF(\"square\")\nsquares.createOrReplaceTempView(\"squares\")\nprintln(\"%html <b>\" + squares.count + \" rows</b>\")",
                "%sql\nselect square from squares order by square");

        ObjectNode executed = new ZeppelinRunner(System.getProperty("java.class.path"), LOCAL).run(note);

        JsonNode paragraphs = executed.withArray("paragraphs");
        assertThat(paragraphs.get(0).has("results")).as("markdown is left for Zeppelin to render").isFalse();
        JsonNode scala = paragraphs.get(1).path("results").path("msg");
        assertThat(scala.get(scala.size() - 1).path("type").asText()).isEqualTo("HTML");
        assertThat(scala.get(scala.size() - 1).path("data").asText()).isEqualTo("<b>4 rows</b>");
        assertThat(paragraphs.get(2).path("results").path("msg").get(0).path("data").asText()).isEqualTo("square\n1\n4\n9\n16\n");
        assertThat(paragraphs.get(2).path("status").asText()).isEqualTo("FINISHED");
    }

    @Test
    void aFailingParagraphStopsTheRunWithItsNumberAndTheReplOutput(@TempDir Path dir) throws Exception {
        Path note = note(dir, "%spark\nval x = 1", "%spark\nval y: Int = \"not a number\"");

        assertThatThrownBy(() -> new ZeppelinRunner(System.getProperty("java.class.path"), LOCAL).run(note))
                .isInstanceOfSatisfying(CellFailure.class, failure -> assertThat(failure.cell()).isEqualTo(2))
                .hasMessageContaining("type mismatch");
    }

    @Test
    void aFailingQueryNamesItsParagraph(@TempDir Path dir) throws Exception {
        Path note = note(dir, "%sql\nselect * from no_such_table");

        assertThatThrownBy(() -> new ZeppelinRunner(System.getProperty("java.class.path"), LOCAL).run(note))
                .hasMessageContaining("test.zpln: cell 1 failed: the query failed")
                .hasMessageContaining("no_such_table");
    }

    private static Path note(Path dir, String... texts) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode note = json.createObjectNode().put("name", "test");
        for (String text : texts) {
            note.withArray("paragraphs").addObject().put("text", text).put("status", "READY");
        }
        Path file = dir.resolve("test.zpln");
        Files.writeString(file, json.writeValueAsString(note));
        return file;
    }
}
