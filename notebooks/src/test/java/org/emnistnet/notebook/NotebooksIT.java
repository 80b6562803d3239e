package org.emnistnet.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.emnistnet.PipelineLayout;
import org.emnistnet.jobs.PipelineJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Both notebooks, executed headless against a small real run that the test makes with the pipeline job
 * (Fashion-MNIST, one epoch on 3,000 images): every cell runs, and the outputs hold the tables and pictures a
 * person opening the notebook expects. The executed copies go to target/executed/.
 */
class NotebooksIT {
    private static final Path NOTEBOOKS = Path.of(System.getProperty("notebooks.dir", ".")).toAbsolutePath();
    private static final Path EXECUTED = Path.of(System.getProperty("notebooks.executed", "target/executed"));
    private static PipelineLayout layout;

    @BeforeAll
    static void makeASmallRealRun() throws Exception {
        layout = new PipelineLayout(Files.createTempDirectory("emnistnet-notebooks-it").resolve("fashion-mnist"));
        int exit = new CommandLine(new PipelineJob()).execute("--dataset", "fashion-mnist", "--work", layout.root().toString(),
                "--epochs", "1", "--limit", "3000", "--master", "local[2]");
        assertEquals(0, exit, "the pipeline run the notebooks inspect");
    }

    @org.junit.jupiter.api.AfterAll
    static void removeTheRun() throws Exception {
        org.apache.hadoop.fs.FileUtil.fullyDelete(layout.root().getParent().toFile()); // ~80 MB of lake and run per test run
    }

    @Test
    void theJupyterNotebookRunsEveryCellAndShowsTablesAndPictures() {
        ObjectNode executed = RunNotebooks.run(NOTEBOOKS.resolve("emnistnet.ipynb"), layout, "local[2]");
        NotebookFiles.writeJson(executed, EXECUTED.resolve("emnistnet.ipynb"));

        List<JsonNode> codeCells = new ArrayList<>();
        executed.withArray("cells").forEach(cell -> {
            if (cell.path("cell_type").asText().equals("code")) {
                codeCells.add(cell);
            }
        });
        assertThat(codeCells).allSatisfy(cell -> assertThat(cell.path("execution_count").isInt()).isTrue());
        String text = allText(codeCells, "text");
        assertThat(text).contains("working directory: " + layout.root())
                .contains("|split|count|")             // Spark tables
                .contains("accuracy ")
                .contains("T-shirt/top")                // class names from the run's manifest
                .containsPattern("\\|test-\\d+\\.png *\\|"); // the scored image files
        long images = codeCells.stream().flatMap(cell -> stream(cell.path("outputs")))
                .filter(output -> output.path("data").has("image/png")).count();
        assertThat(images).as("strips, augmentation, curves, confusion matrix, worst errors").isGreaterThanOrEqualTo(7);
    }

    @Test
    void theZeppelinNoteRunsEveryParagraphWithScalaAndSql() {
        ObjectNode executed = RunNotebooks.run(NOTEBOOKS.resolve("emnistnet.zpln"), layout, "local[2]");
        NotebookFiles.writeJson(executed, EXECUTED.resolve("emnistnet.zpln"));

        List<JsonNode> runnable = new ArrayList<>();
        executed.withArray("paragraphs").forEach(p -> {
            if (!p.path("text").asText().startsWith("%md")) {
                runnable.add(p);
            }
        });
        assertThat(runnable).allSatisfy(p -> {
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

    private static String allText(List<JsonNode> cells, String field) {
        StringBuilder text = new StringBuilder();
        cells.forEach(cell -> stream(cell.path("outputs")).forEach(output -> {
            stream(output.path(field)).forEach(line -> text.append(line.asText()));
            stream(output.path("data").path("text/plain")).forEach(line -> text.append(line.asText()));
        }));
        return text.toString();
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}
