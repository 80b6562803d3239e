package org.emnistnet.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A trained EMNISTNet as an ONNX model: {@code image} float {@code (n, 1, 28, 28)} in [0, 1] (pixel / 255, upright,
 * as the model's image recipe makes it) to {@code probabilities} float {@code (n, classes)}, {@code n} dynamic.
 *
 * <p>The graph is the inference network of {@link InferenceNetwork}: every BatchNorm folded into the convolution or
 * dense layer before it, dropout left out, and GELU exactly as DL4J computes it, {@code x * sigmoid(1.702 x)}
 * (Mul, Sigmoid, Mul: ONNX's own Gelu op is the erf form, 0.02 away). Layouts are the trained network's (NCHW,
 * weights (out, in, kh, kw); DL4J flattens (channel, row, column) exactly as ONNX's Flatten does), so no weight is
 * permuted. Opset 13, IR version 8: ONNX Runtime 1.10 and later and onnx's checker accept it.
 *
 * <p>It is built with ONNX's generated protobuf classes (from Tribuo's {@code tribuo-util-onnx}); {@code metadata}
 * goes into the model's {@code metadata_props}, so the file alone says how to feed it. The same network and
 * metadata always give the same bytes.
 */
public final class OnnxExport {
    public static final String INPUT = "image";
    public static final String OUTPUT = "probabilities";
    /** The model card (model.json's content) in {@code metadata_props}. */
    public static final String MODEL_CARD_KEY = "emnistnet.model_card";
    static final int OPSET = 13;
    static final long IR_VERSION = 8;
    private static final float GELU_SIGMOID_SCALE = 1.702f;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("EMNISTNet");
    private int names;
    private String geluScale; // the one 1.702 constant, added where the first GELU needs it

    private OnnxExport() {
    }

    /** The ONNX model of {@code trained} (an {@link EmnistNet} in any of its layer variants), serialised. */
    public static byte[] of(MultiLayerNetwork trained, Map<String, String> metadata) {
        List<INDArray[]> folded = InferenceNetwork.foldedWeightsAndBiases(trained);
        OnnxExport export = new OnnxExport();
        String x = export.input();
        int layer = 0;
        for (int block = 0; block < EmnistNet.CHANNELS.length; block++) {
            for (int conv = 0; conv < 2; conv++) {
                x = export.gelu(export.conv(x, folded.get(layer)[0], folded.get(layer)[1]));
                layer++;
            }
            x = export.node("MaxPool", List.of(x), List.of(ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
        }
        x = export.node("Flatten", List.of(x), List.of(integer("axis", 1)));
        x = export.gelu(export.gemm(x, folded.get(layer)[0], folded.get(layer)[1]));
        INDArray[] output = folded.get(layer + 1);
        x = export.gemm(x, output[0], output[1]);
        export.graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput(x)
                .addOutput(OUTPUT).addAttribute(integer("axis", 1)));
        export.graph.addOutput(tensorInfo(OUTPUT, output[0].size(1)));
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("emnistnet")
                .setDomain("org.emnistnet")
                .setModelVersion(1)
                .setDocString("EMNISTNet: image float (n, 1, 28, 28), pixel / 255 in [0, 1] -> probabilities (n, classes)")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(export.graph);
        metadata.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(entry.getKey()).setValue(entry.getValue())));
        return model.build().toByteArray();
    }

    private String input() {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("n"));
        for (long size : new long[]{1, 28, 28}) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(size));
        }
        graph.addInput(OnnxMl.ValueInfoProto.newBuilder().setName(INPUT).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(floatType()).setShape(shape))));
        return INPUT;
    }

    private static OnnxMl.ValueInfoProto tensorInfo(String name, long classes) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("n"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(classes)).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(floatType()).setShape(shape))).build();
    }

    /** A 3x3 convolution, stride 1, padded to keep the map's size (DL4J's ConvolutionMode.Same). */
    private String conv(String x, INDArray weights, INDArray bias) {
        return node("Conv", List.of(x, initializer("conv_w", weights), initializer("conv_b", bias.reshape(-1))),
                List.of(ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 1, 1)));
    }

    /** {@code x W + b}, with W (in, out) as DL4J stores it. */
    private String gemm(String x, INDArray weights, INDArray bias) {
        return node("Gemm", List.of(x, initializer("dense_w", weights), initializer("dense_b", bias.reshape(-1))), List.of());
    }

    /** DL4J's GELU: {@code x * sigmoid(1.702 x)}. */
    private String gelu(String x) {
        if (geluScale == null) {
            geluScale = addInitializer("gelu_scale", new long[0], new float[]{GELU_SIGMOID_SCALE});
        }
        String sigmoid = node("Sigmoid", List.of(node("Mul", List.of(x, geluScale), List.of())), List.of());
        return node("Mul", List.of(x, sigmoid), List.of());
    }

    private String node(String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes) {
        String output = op.toLowerCase() + "_" + names++;
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output)
                .addAllAttribute(attributes));
        return output;
    }

    private String initializer(String prefix, INDArray values) {
        return addInitializer(prefix + "_" + names++, values.shape(), values.dup('c').data().asFloat());
    }

    private String addInitializer(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(name).setDataType(floatType())
                .addAllDims(Arrays.stream(dims).boxed().toList()).setRawData(ByteString.copyFrom(raw.array())));
        return name;
    }

    private static int floatType() {
        return OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    }

    private static OnnxMl.AttributeProto ints(String name, long... values) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS)
                .addAllInts(Arrays.stream(values).boxed().toList()).build();
    }

    private static OnnxMl.AttributeProto integer(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }
}
