package org.emnistnet.model;

import ai.onnx.proto.OnnxMl;
import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;
import org.emnistnet.TinyModel;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ONNX export: its graph's interface, its model card, and model.onnx files that belong to their model. */
class OnnxExportTest {
    private static final java.nio.file.Path COMMITTED = java.nio.file.Path.of("../models/fashion-mnist");

    @Test
    void theExportTakesImagesOfAnyBatchSizeAndGivesClassProbabilitiesWithItsCardInTheMetadata() throws Exception {
        byte[] onnx = OnnxExport.of(TinyModel.network(), Map.of(OnnxExport.MODEL_CARD_KEY, card("a".repeat(64)).toJson()));
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(onnx);

        assertEquals(OnnxExport.OPSET, model.getOpsetImport(0).getVersion());
        OnnxMl.ValueInfoProto input = model.getGraph().getInput(0);
        assertEquals(OnnxExport.INPUT, input.getName());
        assertEquals("n", input.getType().getTensorType().getShape().getDim(0).getDimParam(), "a dynamic batch dimension");
        assertEquals(List.of(1L, 28L, 28L), input.getType().getTensorType().getShape().getDimList().subList(1, 4).stream()
                .map(OnnxMl.TensorShapeProto.Dimension::getDimValue).toList());
        OnnxMl.ValueInfoProto output = model.getGraph().getOutput(0);
        assertEquals(OnnxExport.OUTPUT, output.getName());
        assertEquals(10, output.getType().getTensorType().getShape().getDim(1).getDimValue());
        assertThat(model.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).distinct().toList())
                .as("BatchNorm folded, dropout gone, GELU as x * sigmoid(1.702 x)")
                .containsExactlyInAnyOrder("Conv", "Mul", "Sigmoid", "MaxPool", "Flatten", "Gemm", "Softmax");
        assertEquals(card("a".repeat(64)), OnnxModelFile.card("tiny", onnx));
    }

    @Test
    void theSameNetworkAndCardAlwaysGiveTheSameBytes() {
        var network = TinyModel.network();
        Map<String, String> card = Map.of(OnnxExport.MODEL_CARD_KEY, "{}");
        assertArrayEquals(OnnxExport.of(network, card), OnnxExport.of(network, card));
    }

    @Test
    void theCommittedModelOnnxIsTheExportOfTheCommittedModelWithItsCard() throws Exception {
        TrainedModel committed = TrainedModel.load(COMMITTED.resolve("model.zip").toString());
        byte[] exported = OnnxModelFile.export(committed.bytes().restore(), committed.card());
        assertArrayEquals(exported, Files.readAllBytes(COMMITTED.resolve(RunDirectory.MODEL_ONNX)),
                "models/fashion-mnist/model.onnx is stale: bin/emnistnet export-onnx --model models/fashion-mnist/model.zip --overwrite");
        assertThat(committed.bytes().onnx()).as("loading the model reads its model.onnx").isPresent();
    }

    @Test
    void anOnnxFileWhoseCardNamesAnotherModelIsRefusedByName(@TempDir java.nio.file.Path dir) {
        ModelCard card = card("a".repeat(64));
        ModelCard other = card("b".repeat(64));
        Path file = new Path(dir.resolve("model.onnx").toString());
        String sha = OnnxModelFile.write(file, OnnxModelFile.export(TinyModel.network(), other));

        assertThatThrownBy(() -> OnnxModelFile.read(file, sha, card)).isInstanceOf(EmnistNetException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("disagrees with model.json on sha256");
        assertThat(OnnxModelFile.read(file, sha, other)).isNotEmpty();
    }

    @Test
    void aFileThatIsNoOnnxModelOrWhoseBytesChangedIsRefusedByName(@TempDir java.nio.file.Path dir) {
        Path file = new Path(dir.resolve("model.onnx").toString());
        String sha = OnnxModelFile.write(file, "not a model".getBytes());
        assertThatThrownBy(() -> OnnxModelFile.read(file, sha, card("a".repeat(64)))).isInstanceOf(EmnistNetException.class)
                .hasMessageStartingWith(file + ": ");
        AtomicFiles.write(file, "changed".getBytes());
        assertThatThrownBy(() -> OnnxModelFile.read(file, sha, card("a".repeat(64)))).isInstanceOf(EmnistNetException.class)
                .hasMessageContaining(file.toString());
    }

    /** A card with what serving checks, the rest empty. */
    static ModelCard card(String sha256) {
        return new ModelCard(ModelCard.SCHEMA_VERSION, ModelCard.MODEL, sha256, null, 0, "fashion-mnist", List.of("a", "b"),
                null, null, null, null, null, null, 0, 0, 0, null, 0, 0, 0, 0, 0, null, null, null);
    }
}
