package org.emnistnet.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.Json;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.Sidecars;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code model.onnx}: a model's ONNX export ({@link OnnxExport}) with its model card in {@code metadata_props},
 * written beside {@code model.zip} with a SHA-256 sidecar, and read back verified: its bytes against
 * {@code model.json}'s {@code onnx_sha256}, its card against {@code model.json} (the same model file, classes,
 * dataset and image recipe), so that a file from another model is refused by name, never served.
 */
public final class OnnxModelFile {

    private OnnxModelFile() {
    }

    /** The ONNX model of {@code trained} carrying {@code card} (model.json's content, with the model file's SHA-256). */
    public static byte[] export(MultiLayerNetwork trained, ModelCard card) {
        // the file cannot hold its own hash
        return OnnxExport.of(trained, Map.of(OnnxExport.MODEL_CARD_KEY, card.withOnnxSha256(null).toJson()));
    }

    /**
     * Exports {@code model} to {@code out} (with its card and a SHA-256 sidecar). When {@code out} is the
     * {@code model.onnx} beside the model's own {@code model.json}, that card records it ({@code onnx_sha256}),
     * so loading the model serves this file from then on. Returns the file's SHA-256.
     */
    public static String export(TrainedModel model, Path modelZip, Path out) {
        byte[] onnx = export(model.bytes().restore(), model.card());
        String sha = write(out, onnx);
        Path card = new Path(modelZip.getParent(), RunDirectory.MODEL_CARD);
        if (out.equals(new Path(modelZip.getParent(), RunDirectory.MODEL_ONNX)) && AtomicFiles.isFile(card)) {
            AtomicFiles.write(card, model.card().withOnnxSha256(sha).toJson().getBytes(StandardCharsets.UTF_8));
        }
        return sha;
    }

    /** Whether {@code file} holds an ONNX model with an EMNISTNet model card (one this project wrote). */
    public static boolean isOurs(Path file) {
        try {
            card(file.toString(), AtomicFiles.read(file));
            return true;
        } catch (EmnistNetException e) {
            return false;
        }
    }

    /** Writes {@code onnx} atomically with its {@code .sha256} sidecar; returns the SHA-256. */
    public static String write(Path file, byte[] onnx) {
        return Sidecars.writeWithSidecar(file, onnx);
    }

    /**
     * {@code file}'s bytes, checked against {@code expectedSha256} and its card against {@code card}; an error
     * names the file and what disagrees.
     */
    public static byte[] read(Path file, String expectedSha256, ModelCard card) {
        if (!AtomicFiles.isFile(file)) {
            throw new EmnistNetException(file + ": not found, but model.json records it (onnx_sha256 "
                    + expectedSha256 + "): restore it, or export it again with export-onnx");
        }
        byte[] bytes = Sidecars.readVerified(file, expectedSha256);
        ModelCard inside = card(file.toString(), bytes);
        // the fields that must agree between model.onnx and model.json for the file to be this model's export
        agree(file, "sha256", inside.sha256(), card.sha256());
        agree(file, "dataset", inside.dataset(), card.dataset());
        agree(file, "class_names", inside.classNames(), card.classNames());
        agree(file, "image_file_recipe", inside.imageFileRecipe(), card.imageFileRecipe());
        return bytes;
    }

    private static void agree(Path file, String field, Object inOnnx, Object inModelJson) {
        if (!Objects.equals(inOnnx, inModelJson)) {
            throw new EmnistNetException(file + ": its model card disagrees with model.json on " + field + " (" + inOnnx
                    + " in the ONNX file, " + inModelJson + " in model.json): it is not this model's export");
        }
    }

    /** The model card in an ONNX file's {@code metadata_props}. */
    public static ModelCard card(String source, byte[] onnx) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new EmnistNetException(source + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        String card = model.getMetadataPropsList().stream().filter(entry -> entry.getKey().equals(OnnxExport.MODEL_CARD_KEY))
                .map(OnnxMl.StringStringEntryProto::getValue).findFirst()
                .orElseThrow(() -> new EmnistNetException(source + ": an ONNX model without an EMNISTNet model card ("
                        + OnnxExport.MODEL_CARD_KEY + " in metadata_props)"));
        return ModelCard.read(source + " (" + OnnxExport.MODEL_CARD_KEY + ")", card.getBytes(StandardCharsets.UTF_8));
    }
}
