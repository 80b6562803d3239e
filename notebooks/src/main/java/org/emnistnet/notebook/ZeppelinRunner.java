package org.emnistnet.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction0;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Executes a Zeppelin note (.zpln) as Zeppelin's Spark interpreter group would: {@code %spark} paragraphs in
 * Spark's own Scala REPL (the interpreter Zeppelin wraps, class-based with its output directory served to the
 * executors), {@code %sql} paragraphs through {@code spark.sql} as tables, {@code %md} paragraphs left as they
 * are. Paragraph output becomes Zeppelin results: text, or HTML after a {@code %html} line, or a table.
 * The first paragraph that fails stops the run with a {@link CellFailure}.
 */
public final class ZeppelinRunner {
    private static final DateTimeFormatter ZEPPELIN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final int SQL_ROW_LIMIT = 1000;
    private final String classpath;
    private final Map<String, String> sparkConf;

    /**
     * @param classpath the classpath the REPL compiles against (the interpreter's: the project and Spark)
     * @param sparkConf the interpreter's Spark properties (master, spark.emnistnet.work, ...)
     */
    public ZeppelinRunner(String classpath, Map<String, String> sparkConf) {
        this.classpath = classpath;
        this.sparkConf = Map.copyOf(sparkConf);
    }

    public ObjectNode run(Path noteFile) {
        ObjectNode note = NotebookFiles.readJson(noteFile);
        String name = noteFile.getFileName().toString();
        Path classDir = temporaryDirectory();
        SparkSession.Builder builder = SparkSession.builder().appName("zeppelin " + name)
                .config("spark.repl.class.outputDir", classDir.toString());
        sparkConf.forEach(builder::config);
        PrintStream originalOut = System.out;
        try (SparkSession spark = builder.getOrCreate()) {
            Output output = new Output();
            IMain repl = startRepl(classDir, output.echo);
            interpret(repl, output, name, 0, "@transient val spark = org.apache.spark.sql.SparkSession.builder.getOrCreate()\n"
                    + "@transient val sc = spark.sparkContext\nimport spark.implicits._\nimport org.apache.spark.sql.functions._");
            int number = 0;
            for (JsonNode node : note.withArray("paragraphs")) {
                number++;
                ObjectNode paragraph = (ObjectNode) node;
                String text = paragraph.path("text").asText();
                String interpreter = interpreterOf(text);
                String body = text.startsWith("%") ? text.substring(text.indexOf('\n') + 1) : text;
                paragraph.put("dateStarted", LocalDateTime.now().format(ZEPPELIN_TIME));
                ArrayNode messages;
                switch (interpreter) {
                    case "spark" -> {
                        output.reset();
                        interpret(repl, output, name, number, body);
                        messages = messages(output.echoed());
                        messages.addAll(messages(output.printed()));
                    }
                    case "sql" -> messages = table(spark, body, name, number);
                    case "md" -> {
                        continue;
                    }
                    default -> throw new CellFailure(name, number, "unsupported interpreter %" + interpreter);
                }
                ObjectNode results = paragraph.putObject("results");
                results.put("code", "SUCCESS");
                results.set("msg", messages);
                paragraph.put("status", "FINISHED");
                paragraph.put("dateFinished", LocalDateTime.now().format(ZEPPELIN_TIME));
            }
            repl.close();
        } finally {
            System.setOut(originalOut);
            deleteTree(classDir);
        }
        return note;
    }

    private IMain startRepl(Path classDir, PrintStream out) {
        Settings settings = new Settings();
        List<String> arguments = List.of("-Yrepl-class-based", "-Yrepl-outdir", classDir.toString(), "-classpath", classpath);
        settings.processArguments(JavaConverters.asScalaBuffer(arguments).toList(), true);
        IMain repl = new IMain(settings, new PrintWriter(out, true));
        repl.initializeSynchronous();
        return repl;
    }

    /**
     * A paragraph's output in two parts: what the REPL itself reports (value summaries such as
     * {@code x: Int = 1}, compiler errors, uncaught exceptions) and what the code prints, through Scala's Console
     * or Java's System.out (so {@code %html} directives printed by the code start their own message).
     */
    private static final class Output {
        final ByteArrayOutputStream echoBuffer = new ByteArrayOutputStream();
        final ByteArrayOutputStream printBuffer = new ByteArrayOutputStream();
        final PrintStream echo = new PrintStream(echoBuffer, true, StandardCharsets.UTF_8);
        final PrintStream print = new PrintStream(printBuffer, true, StandardCharsets.UTF_8);

        void reset() {
            echoBuffer.reset();
            printBuffer.reset();
        }

        String echoed() {
            return echoBuffer.toString(StandardCharsets.UTF_8);
        }

        String printed() {
            return printBuffer.toString(StandardCharsets.UTF_8);
        }
    }

    private static void interpret(IMain repl, Output output, String note, int paragraph, String code) {
        PrintStream previous = System.out;
        System.setOut(output.print);
        try {
            Results.Result result = scala.Console.withOut(output.print, new AbstractFunction0<Results.Result>() {
                @Override
                public Results.Result apply() {
                    return repl.interpret(code);
                }
            });
            output.echo.flush();
            output.print.flush();
            if (!Results.Success$.MODULE$.equals(result)) {
                throw new CellFailure(note, paragraph, "the Scala REPL reported " + result + ":\n"
                        + (output.printed() + output.echoed()).strip());
            }
        } finally {
            System.setOut(previous);
        }
    }

    /** A {@code %sql} paragraph's result as Zeppelin's TABLE message: a header line and tab-separated rows. */
    private static ArrayNode table(SparkSession spark, String query, String note, int paragraph) {
        List<Row> rows;
        String[] columns;
        try {
            var frame = spark.sql(query.strip().replaceAll(";\\s*$", ""));
            columns = frame.columns();
            rows = frame.limit(SQL_ROW_LIMIT).collectAsList();
        } catch (Exception e) { // Spark's AnalysisException is a checked exception to Java
            throw new CellFailure(note, paragraph, "the query failed: " + e.getMessage());
        }
        StringBuilder data = new StringBuilder(String.join("\t", columns)).append('\n');
        for (Row row : rows) {
            for (int i = 0; i < row.size(); i++) {
                data.append(i > 0 ? "\t" : "").append(row.isNullAt(i) ? "" : String.valueOf(row.get(i)));
            }
            data.append('\n');
        }
        ArrayNode messages = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        messages.addObject().put("type", "TABLE").put("data", data.toString());
        return messages;
    }

    /** Output split where a line starts with Zeppelin's display directives (%html, %table, %text). */
    static ArrayNode messages(String output) {
        ArrayNode messages = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        String type = "TEXT";
        StringBuilder data = new StringBuilder();
        for (String line : output.split("\n", -1)) {
            String directive = line.startsWith("%html") ? "HTML" : line.startsWith("%table") ? "TABLE"
                    : line.startsWith("%text") ? "TEXT" : null;
            if (directive != null) {
                addMessage(messages, type, data);
                type = directive;
                line = line.substring(1 + directive.length()).stripLeading(); // after "%html" etc.
            }
            data.append(line).append('\n');
        }
        addMessage(messages, type, data);
        return messages;
    }

    private static void addMessage(ArrayNode messages, String type, StringBuilder data) {
        String text = data.toString().stripTrailing();
        if (!text.isEmpty()) {
            messages.addObject().put("type", type).put("data", type.equals("TEXT") ? text + "\n" : text);
        }
        data.setLength(0);
    }

    private static String interpreterOf(String text) {
        if (!text.startsWith("%")) {
            return "spark";
        }
        String first = text.lines().findFirst().orElse("%spark").substring(1).strip();
        String name = first.contains(".") ? first.substring(first.indexOf('.') + 1) : first;
        return name.isEmpty() ? "spark" : name;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("zeppelin-repl-classes");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the REPL's class directory", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
