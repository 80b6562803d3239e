package org.emnistnet.notebook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.emnistnet.PipelineLayout;
import org.emnistnet.train.NdArrayKryoRegistrator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs notebooks headless against a pipeline working directory and writes the executed copies, with outputs:
 * {@code .ipynb} through {@link JupyterRunner}, {@code .zpln} through {@link ZeppelinRunner}.
 *
 * <pre>
 * bin/notebooks run --work work/fashion-mnist            # writes notebooks/target/executed/*
 * </pre>
 */
@Command(name = "run-notebooks", mixinStandardHelpOptions = true,
        description = "Execute Jupyter (.ipynb, Java) and Zeppelin (.zpln) notebooks headless; write them with outputs.")
public final class RunNotebooks implements Callable<Integer> {
    /** The notebooks read the working directory from here (Jupyter) and from the Spark conf key (Zeppelin). */
    public static final String WORK_PROPERTY = "emnistnet.work";
    public static final String WORK_SPARK_CONF = "spark.emnistnet.work";

    @Option(names = "--work", required = true, paramLabel = "DIR", description = "A pipeline working directory (raw/, prepared/, run/, scores/, report/).")
    Path work;

    @Option(names = "--out", defaultValue = "notebooks/target/executed", paramLabel = "DIR", description = "Where the executed notebooks go. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master of the notebooks' sessions. Default: ${DEFAULT-VALUE}.")
    String master;

    @Parameters(paramLabel = "NOTEBOOK", arity = "1..*", description = ".ipynb and .zpln files.")
    List<Path> notebooks;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RunNotebooks()).execute(args));
    }

    @Override
    public Integer call() {
        PipelineLayout layout = new PipelineLayout(work);
        if (!Files.isRegularFile(layout.model())) {
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

    /** Runs one notebook with this JVM's classpath, the way the tests and the command line both do. */
    public static ObjectNode run(Path notebook, PipelineLayout layout, String master) {
        String classpath = System.getProperty("java.class.path");
        String name = notebook.getFileName().toString();
        if (name.endsWith(".ipynb")) {
            List<String> vmOptions = new ArrayList<>(inheritedFlags());
            vmOptions.add("-Xmx2g");
            vmOptions.add("-D" + WORK_PROPERTY + "=" + layout.root());
            vmOptions.add("-Dspark.master=" + master);
            return new JupyterRunner(classpath, vmOptions).run(notebook);
        }
        if (name.endsWith(".zpln")) {
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("spark.master", master);
            conf.put("spark.ui.enabled", "false");
            conf.put("spark.ui.showConsoleProgress", "false");
            conf.put("spark.sql.shuffle.partitions", "8");
            conf.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
            conf.put("spark.kryo.registrator", NdArrayKryoRegistrator.REGISTRATORS);
            conf.put(WORK_SPARK_CONF, layout.root().toString());
            return new ZeppelinRunner(classpath, conf).run(notebook);
        }
        throw new IllegalArgumentException(notebook + ": not a notebook this runner knows (expected .ipynb or .zpln)");
    }

    /** The flags Spark and DL4J need (--add-opens, system properties), passed on from this JVM to the kernel's. */
    private static List<String> inheritedFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(flag -> flag.startsWith("--add-opens") || flag.startsWith("--add-exports")
                        || flag.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || flag.startsWith("-Dorg.eclipse.deeplearning4j")
                        || flag.startsWith("-Djdk.reflect") || flag.startsWith("-Dlog4j2.configurationFile"))
                .toList();
    }
}
