package org.emnistnet.notebook;

import org.junit.jupiter.api.Tag;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notebooks as a user runs them: {@code bin/notebooks setup} (Jupyter in a venv, the rapaio Java kernel as
 * "java"), then {@code bin/notebooks run} against the committed model, no training. The Jupyter notebook is executed
 * by Jupyter itself (nbclient talking to the kernel over its protocol), the Zeppelin note by its Scala-REPL runner.
 */
@Tag("notebooks")
class NotebooksIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path EXECUTED = Path.of(System.getProperty("notebooks.executed", "target/executed")).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String runOutput;

    private record Result(int code, String output) {
    }

    private static Result run(Path log, int minutes, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(minutes, TimeUnit.MINUTES), String.join(" ", command) + " did not end");
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void setUpJupyterAndRunBothNotebooksOnTheCommittedModel() throws Exception {
        Files.createDirectories(EXECUTED);
        Result setup = run(EXECUTED.resolve("setup.log"), 10, "bin/notebooks", "setup");
        assertEquals(0, setup.code(), setup.output());
        Result notebooks = run(EXECUTED.resolve("run.log"), 20, "bin/notebooks", "run", "--out", EXECUTED.toString());
        assertEquals(0, notebooks.code(), notebooks.output());
        runOutput = notebooks.output();
    }

    @Test
    void jupyterExecutesEveryCellOnTheJavaKernelWithoutAnError() throws Exception {
        JsonNode notebook = JSON.readTree(EXECUTED.resolve("emnistnet.ipynb").toFile());
        assertThat(runOutput).contains("with Jupyter (kernel java)");
        assertThat(notebook.path("metadata").path("kernelspec").path("name").asText()).isEqualTo("java");
        List<JsonNode> code = codeCells(notebook);
        assertThat(code).isNotEmpty().allSatisfy(cell -> {
            assertThat(cell.path("execution_count").isInt()).as("executed").isTrue();
            // nbclient records the kernel's replies: the cell went through the Jupyter protocol, not a stand-in
            assertThat(cell.path("metadata").path("execution").has("shell.execute_reply")).isTrue();
            assertThat(stream(cell.path("outputs")).map(output -> output.path("output_type").asText())).doesNotContain("error");
        });
        assertThat(stream(code, "stderr")).doesNotContain("Exception").doesNotContain("ERROR");
    }

    @Test
    void theJupyterNotebookShowsTheCommittedModelsFiguresAndItsPictures() throws Exception {
        JsonNode notebook = JSON.readTree(EXECUTED.resolve("emnistnet.ipynb").toFile());
        JsonNode card = JSON.readTree(ROOT.resolve("models/fashion-mnist/model.json").toFile());
        List<JsonNode> code = codeCells(notebook);
        String text = stream(code, "stdout");
        assertThat(text).contains("working directory: " + ROOT.resolve("work/notebooks/fashion-mnist"))
                .contains("|split|count|")                                // Spark tables
                .contains("| test|10000|")
                .contains("T-shirt/top")                                  // class names from the run's manifest
                .contains("sha256 " + card.path("sha256").asText())
                .contains(String.format(Locale.ROOT, "accuracy %.4f,", card.path("test_accuracy").asDouble()))
                .containsPattern("\\|test-\\d+\\.png *\\|");             // the scored image files
        long images = code.stream().flatMap(cell -> stream(cell.path("outputs")))
                .filter(output -> output.path("data").has("image/png")).count();
        assertThat(images).as("3 strips, augmentation, curves, confusion matrix, worst errors").isEqualTo(7);
        assertThat(code.stream().flatMap(cell -> stream(cell.path("outputs"))).map(o -> o.path("output_type").asText()))
                .as("no display ids printed as results").doesNotContain("execute_result");
    }

    @Test
    void theZeppelinNoteRunsEveryParagraphWithScalaAndSql() throws Exception {
        JsonNode note = JSON.readTree(EXECUTED.resolve("emnistnet.zpln").toFile());
        List<JsonNode> runnable = new ArrayList<>();
        note.withArray("paragraphs").forEach(p -> {
            if (!p.path("text").asText().startsWith("%md")) {
                runnable.add(p);
            }
        });
        assertThat(runnable).isNotEmpty().allSatisfy(p -> {
            assertThat(p.path("status").asText()).isEqualTo("FINISHED");
            assertThat(p.path("results").path("code").asText()).isEqualTo("SUCCESS");
        });
        List<JsonNode> messages = runnable.stream().flatMap(p -> stream(p.path("results").path("msg"))).toList();
        assertThat(messages.stream().filter(m -> m.path("type").asText().equals("TABLE")).map(m -> m.path("data").asText()))
                .as("%sql tables")
                .anySatisfy(table -> assertThat(table).startsWith("split\timages\n").contains("test\t10000"))
                .anySatisfy(table -> assertThat(table).startsWith("epoch\ttrain_loss"))
                .anySatisfy(table -> assertThat(table).startsWith("file\ttrue_class\tprediction"));
        assertThat(messages.stream().filter(m -> m.path("type").asText().equals("HTML")).map(m -> m.path("data").asText()))
                .as("%html pictures").hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(html -> assertThat(html).contains("<img src=\"data:image/png;base64,"));
        assertThat(messages.stream().map(m -> m.path("data").asText())).anySatisfy(t -> assertThat(t).contains("top-3 accuracy"));
    }

    @Test
    void aCellThatFailsStopsTheRunNamingTheCellAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path broken = tmp.resolve("broken.ipynb");
        Files.writeString(broken, """
                {"cells": [
                  {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": ["int answer = 42;"]},
                  {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
                   "source": ["throw new IllegalStateException(\\"the second cell fails\\");"]}
                 ],
                 "metadata": {"kernelspec": {"name": "java", "display_name": "Java", "language": "java"}},
                 "nbformat": 4, "nbformat_minor": 5}
                """);
        Path out = tmp.resolve("executed.ipynb");
        String venv = System.getenv().getOrDefault("EMNISTNET_JUPYTER", ROOT.resolve("work/jupyter").toString());
        Result result = run(tmp.resolve("broken.log"), 5, venv + "/bin/python", "notebooks/jupyter/execute.py",
                broken.toString(), "--out", out.toString());
        assertEquals(1, result.code(), result.output());
        assertThat(result.output()).contains("a cell failed, nothing written").contains("the second cell fails");
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("executed.ipynb.part")).doesNotExist();
    }

    private static List<JsonNode> codeCells(JsonNode notebook) {
        return stream(notebook.path("cells")).filter(cell -> cell.path("cell_type").asText().equals("code")).toList();
    }

    private static String stream(List<JsonNode> cells, String name) {
        StringBuilder text = new StringBuilder();
        cells.forEach(cell -> stream(cell.path("outputs"))
                .filter(output -> output.path("output_type").asText().equals("stream") && output.path("name").asText().equals(name))
                .forEach(output -> {
                    JsonNode lines = output.path("text"); // nbformat: a string, or a list of lines
                    if (lines.isTextual()) {
                        text.append(lines.asText());
                    }
                    lines.forEach(line -> text.append(line.asText()));
                }));
        return text.toString();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}
