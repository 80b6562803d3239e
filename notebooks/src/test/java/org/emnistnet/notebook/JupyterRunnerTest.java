package org.emnistnet.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Jupyter runner executes Java cells through JShell as a Java kernel would, and stops at the first bad cell. */
class JupyterRunnerTest {
    private final JupyterRunner runner = new JupyterRunner(System.getProperty("java.class.path"), List.of());

    @Test
    void cellsShareStateAndProduceStreamsDisplaysAndResults(@TempDir Path dir) throws Exception {
        Path notebook = notebook(dir, "int answer = 6 * 7;\nSystem.out.println(\"answer \" + answer);",
                "display(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB));\nSystem.err.println(\"careful\");",
                "answer + 1");

        ObjectNode executed = runner.run(notebook);

        JsonNode cells = executed.withArray("cells");
        assertThat(cells.get(1).path("execution_count").asInt()).isEqualTo(1);
        assertThat(cells.get(1).path("outputs").get(0).path("text").get(0).asText()).isEqualTo("answer 42\n");
        JsonNode display = cells.get(2).path("outputs").get(0);
        assertThat(display.path("output_type").asText()).isEqualTo("display_data");
        assertThat(display.path("data").path("image/png").asText()).startsWith("iVBORw0KGgo"); // PNG signature
        assertThat(cells.get(2).path("outputs").get(1).path("name").asText()).isEqualTo("stderr");
        JsonNode result = cells.get(3).path("outputs").get(0);
        assertThat(result.path("output_type").asText()).isEqualTo("execute_result");
        assertThat(result.path("data").path("text/plain").get(0).asText()).isEqualTo("43");
    }

    @Test
    void aCellThatThrowsStopsTheRunWithItsNumberAndTheException(@TempDir Path dir) throws Exception {
        Path notebook = notebook(dir, "int x = 1;", "if (x == 1) throw new IllegalStateException(\"the data is gone\");", "x");

        assertThatThrownBy(() -> runner.run(notebook))
                .isInstanceOfSatisfying(CellFailure.class, failure -> assertThat(failure.cell()).isEqualTo(2))
                .hasMessageContaining("test.ipynb: cell 2 failed")
                .hasMessageContaining("java.lang.IllegalStateException: the data is gone");
    }

    @Test
    void aCellThatDoesNotCompileStopsTheRunWithTheCompilerMessage(@TempDir Path dir) throws Exception {
        Path notebook = notebook(dir, "String s = \"ok\";", "int n = s.lenght();");

        assertThatThrownBy(() -> runner.run(notebook))
                .hasMessageContaining("cell 2 failed: does not compile: int n = s.lenght();")
                .hasMessageContaining("cannot find symbol");
    }

    /** A notebook of a markdown cell followed by the given code cells. */
    static Path notebook(Path dir, String... codeCells) throws Exception {
        StringBuilder cells = new StringBuilder("{\"cell_type\":\"markdown\",\"metadata\":{},\"source\":[\"# test\"]}");
        for (String code : codeCells) {
            cells.append(",{\"cell_type\":\"code\",\"execution_count\":null,\"metadata\":{},\"outputs\":[],\"source\":")
                    .append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(code)).append('}');
        }
        Path file = dir.resolve("test.ipynb");
        Files.writeString(file, "{\"cells\":[" + cells + "],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}");
        return file;
    }
}
