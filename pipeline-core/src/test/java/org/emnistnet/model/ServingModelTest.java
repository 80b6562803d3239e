package org.emnistnet.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A saved model.zip is plain DL4J: any DL4J 1.0.0-M2.1 loads it without this project's classes. */
class ServingModelTest {
    @TempDir
    Path tmp;

    @Test
    void theServingNetworkGivesTheTrainedOutputsAndNamesOnlyDl4jClasses() throws Exception {
        MultiLayerNetwork trained = EmnistNet.create(10, TrainingRecipe.reference(), OneCycleSchedule.of(TrainingRecipe.reference(), 20));
        INDArray input = Nd4j.rand(16, 1, 28, 28);
        trained.fit(input, Nd4j.eye(10).getRows(java.util.stream.IntStream.range(0, 16).map(i -> i % 10).toArray()));
        MultiLayerNetwork serving = EmnistNet.forServing(trained);

        assertTrue(trained.output(input, false).equalsWithEps(serving.output(input, false), 1e-5));
        File zip = tmp.resolve("model.zip").toFile();
        ModelSerializer.writeModel(serving, zip, false);
        try (ZipFile file = new ZipFile(zip)) {
            String configuration = new String(file.getInputStream(file.getEntry("configuration.json")).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(configuration).doesNotContain("org.emnistnet");
        }
    }

    @Test
    void aJvmWithDl4jButNotThisProjectLoadsTheSavedModel() throws Exception {
        MultiLayerNetwork serving = EmnistNet.forServing(EmnistNet.create(10, TrainingRecipe.reference(),
                OneCycleSchedule.of(TrainingRecipe.reference(), 20)));
        Path zip = tmp.resolve("model.zip");
        ModelSerializer.writeModel(serving, zip.toFile(), false);
        Path loader = Files.writeString(tmp.resolve("LoadModel.java"), """
                public class LoadModel {
                    public static void main(String[] args) throws Exception {
                        var network = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(new java.io.File(args[0]), false);
                        var output = network.output(org.nd4j.linalg.factory.Nd4j.rand(2, 1, 28, 28));
                        try { Class.forName("org.emnistnet.model.EmnistNet"); System.out.println("project classes visible"); }
                        catch (ClassNotFoundException expected) { }
                        System.out.println("loaded " + network.getnLayers() + " layers, output " + java.util.Arrays.toString(output.shape()));
                    }
                }
                """);
        // The test class path without this module's classes: DL4J, ND4J and their dependencies only.
        String classPath = Arrays.stream(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                        .split(File.pathSeparator))
                .filter(entry -> !entry.contains("pipeline-core" + File.separator + "target"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, loader.toString(), zip.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertThat(output).contains("loaded 29 layers, output [2, 10]").doesNotContain("project classes visible");
    }
}
