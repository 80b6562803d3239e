package org.emnistnet.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Executes a Jupyter notebook's Java code cells in order through JShell, the engine Java kernels (JJava, IJava)
 * are built on, in a separate JVM with the given classpath and flags, and returns the notebook with the outputs
 * a kernel would have produced: stdout and stderr streams, {@code display(...)} images, the value of a cell's
 * last expression. The first cell that does not compile or throws stops the run with a {@link CellFailure}.
 */
public final class JupyterRunner {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final String classpath;
    private final List<String> vmOptions;

    /**
     * @param classpath what the kernel's classpath would hold (JJAVA_CLASSPATH): the project and Spark
     * @param vmOptions the kernel JVM's flags (JJAVA_JVM_OPTS): Spark's --add-opens, system properties
     */
    public JupyterRunner(String classpath, List<String> vmOptions) {
        this.classpath = classpath;
        this.vmOptions = List.copyOf(vmOptions);
    }

    /** Runs every code cell of {@code notebookFile}; returns the notebook with outputs and execution counts. */
    public ObjectNode run(Path notebookFile) {
        ObjectNode notebook = NotebookFiles.readJson(notebookFile);
        String name = notebookFile.getFileName().toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> remoteOptions = new ArrayList<>(vmOptions);
        remoteOptions.add("-classpath");
        remoteOptions.add(classpath);
        try (JShell shell = JShell.builder()
                .out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8))
                .remoteVMOptions(remoteOptions.toArray(String[]::new))
                .build()) {
            shell.addToClasspath(classpath);
            evaluate(shell, JupyterDisplay.prelude(), name, 0);
            int count = 0;
            for (JsonNode cell : notebook.withArray("cells")) {
                if (!"code".equals(cell.path("cell_type").asText())) {
                    continue;
                }
                count++;
                out.reset();
                err.reset();
                ObjectNode code = (ObjectNode) cell;
                String lastValue = evaluate(shell, NotebookFiles.source(code), name, count);
                evaluate(shell, "System.out.flush(); System.err.flush();", name, count);
                code.put("execution_count", count);
                code.set("outputs", outputs(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                        lastValue, count));
            }
        }
        return notebook;
    }

    /** Evaluates a cell snippet by snippet, as a kernel does; returns the value of a trailing expression, or null. */
    private static String evaluate(JShell shell, String source, String notebook, int cell) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = source;
        String lastValue = null;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            if (!info.completeness().isComplete()) {
                throw new CellFailure(notebook, cell, "incomplete Java source: " + remaining.strip());
            }
            lastValue = null;
            for (SnippetEvent event : shell.eval(info.source())) {
                if (event.causeSnippet() != null) {
                    continue;
                }
                if (event.status() == Snippet.Status.REJECTED) {
                    throw new CellFailure(notebook, cell, "does not compile: " + diagnostics(shell, event.snippet()));
                }
                if (event.exception() != null) {
                    throw new CellFailure(notebook, cell, describe(event.exception()));
                }
                if (isExpression(event.snippet())) {
                    lastValue = event.value();
                }
            }
            remaining = info.remaining();
        }
        return lastValue;
    }

    private static boolean isExpression(Snippet snippet) {
        return snippet.kind() == Snippet.Kind.EXPRESSION
                || snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
    }

    private static String diagnostics(JShell shell, Snippet snippet) {
        StringBuilder text = new StringBuilder(snippet.source().strip());
        shell.diagnostics(snippet).forEach((Diag d) -> text.append("\n  ").append(d.getMessage(Locale.ROOT)));
        return text.toString();
    }

    private static String describe(Exception e) {
        StringBuilder text = new StringBuilder(typeOf(e) + ": " + e.getMessage());
        for (StackTraceElement frame : e.getStackTrace()) {
            text.append("\n    at ").append(frame);
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            text.append("\nCaused by ").append(typeOf(cause)).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    /** The user code's exception class: JShell wraps what the remote JVM threw in an EvalException. */
    private static String typeOf(Throwable e) {
        return e instanceof EvalException eval ? eval.getExceptionClassName() : e.getClass().getName();
    }

    /** stdout split at display markers into stream and display_data outputs, then stderr, then the result. */
    private static ArrayNode outputs(String stdout, String stderr, String lastValue, int count) {
        ArrayNode outputs = NODES.arrayNode();
        StringBuilder stream = new StringBuilder();
        for (String line : stdout.split("(?<=\n)")) { // lines with their newlines
            int marker = line.indexOf(JupyterDisplay.MARKER);
            if (marker < 0) {
                stream.append(line);
                continue;
            }
            stream.append(line, 0, marker);
            flushStream(outputs, "stdout", stream);
            String[] parts = line.substring(marker + JupyterDisplay.MARKER.length()).strip().split(" ", 2);
            ObjectNode display = outputs.addObject().put("output_type", "display_data");
            ObjectNode data = display.putObject("data");
            if (parts[0].equals("image/png")) {
                data.put("image/png", parts[1]);
                data.put("text/plain", "<image>");
            } else {
                data.set("text/plain", NotebookFiles.lines(new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8)));
            }
            display.putObject("metadata");
        }
        flushStream(outputs, "stdout", stream);
        flushStream(outputs, "stderr", new StringBuilder(stderr));
        if (lastValue != null) {
            ObjectNode result = outputs.addObject().put("output_type", "execute_result").put("execution_count", count);
            result.putObject("data").set("text/plain", NotebookFiles.lines(lastValue));
            result.putObject("metadata");
        }
        return outputs;
    }

    private static void flushStream(ArrayNode outputs, String name, StringBuilder text) {
        if (text.length() > 0 && !text.toString().isBlank()) {
            outputs.addObject().put("output_type", "stream").put("name", name).set("text", NotebookFiles.lines(text.toString()));
        }
        text.setLength(0);
    }
}
