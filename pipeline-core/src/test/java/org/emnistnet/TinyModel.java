package org.emnistnet;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.emnistnet.artifact.Sidecars;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An untrained (randomly initialised) EMNISTNet saved as a run would save it: model.zip, .sha256, model.json. */
public final class TinyModel {
    public static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    private TinyModel() {
    }

    public static MultiLayerNetwork network() {
        return EmnistNet.create(10, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4));
    }

    public static Path save(MultiLayerNetwork network, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path zip = dir.resolve("model.zip");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ModelSerializer.writeModel(network, bytes, false);
        String sha = Sidecars.writeWithSidecar(new org.apache.hadoop.fs.Path(zip.toUri()), bytes.toByteArray());
        new ObjectMapper().writeValue(dir.resolve("model.json").toFile(),
                Map.of("sha256", sha, "dataset", "fashion-mnist", "class_names", FASHION));
        return zip;
    }
}
