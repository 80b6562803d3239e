package org.emnistnet.notebook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.emnistnet.pipeline.PipelineLayout;
import org.emnistnet.pipeline.SparkSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs Zeppelin notes headless against a pipeline working directory and writes the executed copies, with outputs,
 * through {@link ZeppelinRunner} (Zeppelin itself cannot be assembled from Maven Central for Spark 3.5). The
 * Jupyter notebook runs in Jupyter itself, on a real Java kernel: {@code bin/notebooks run} does both.
 */
@Command(name = "run-notebooks", mixinStandardHelpOptions = true,
        description = "Execute Zeppelin (.zpln) notes headless; write them with outputs.")
public final class RunNotebooks implements Callable<Integer> {
    /** The note reads the working directory from this Spark conf key. */
    public static final String WORK_SPARK_CONF = "spark.emnistnet.work";

    @Option(names = "--work", required = true, paramLabel = "DIR", description = "A pipeline working directory (raw/, prepared/, run/, scores/, report/).")
    Path work;

    @Option(names = "--out", defaultValue = "notebooks/target/executed", paramLabel = "DIR", description = "Where the executed notebooks go. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master of the notebooks' sessions. Default: ${DEFAULT-VALUE}.")
    String master;

    @Parameters(paramLabel = "NOTE", arity = "1..*", description = ".zpln files.")
    List<Path> notebooks;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RunNotebooks()).execute(args));
    }

    @Override
    public Integer call() {
        PipelineLayout layout = PipelineLayout.at(work.toAbsolutePath().toString());
        if (!org.emnistnet.artifact.HadoopFiles.exists(layout.model())) {
            throw new IllegalArgumentException(layout.root() + " is not a pipeline working directory: " + layout.model()
                    + " is missing (run bin/emnistnet pipeline --work " + work + " first)");
        }
        for (Path notebook : notebooks) {
            Path target = out.resolve(notebook.getFileName());
            ObjectNode executed = run(notebook, layout, master);
            NotebookFiles.writeJson(executed, target);
            System.out.println("executed " + notebook + " -> " + target);
        }
        return 0;
    }

    /** Runs one note with this JVM's classpath, the way the tests and the command line both do. */
    public static ObjectNode run(Path notebook, PipelineLayout layout, String master) {
        String classpath = System.getProperty("java.class.path");
        String name = notebook.getFileName().toString();
        if (name.endsWith(".zpln")) {
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("spark.master", master);
            conf.put("spark.ui.enabled", "false");
            for (scala.Tuple2<String, String> setting : SparkSessions.configure(new org.apache.spark.SparkConf(false)).getAll()) {
                conf.put(setting._1(), setting._2());
            }
            conf.put(WORK_SPARK_CONF, layout.root().toString());
            return new ZeppelinRunner(classpath, conf).run(notebook);
        }
        throw new IllegalArgumentException(notebook + ": not a Zeppelin note (.zpln); a Jupyter notebook runs in Jupyter: "
                + "bin/notebooks run");
    }
}
