package org.emnistnet.score;

import org.junit.jupiter.api.Tag;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.TinyModel;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.ModelBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The one inference path, on both engines: folded BatchNorm (and the ONNX export) keep the trained network's
 * outputs, the engines agree with each other, batches stream, model caches are bounded.
 */
@Tag("slow")
class InferenceTest {
    private static final Path COMMITTED_MODEL = Path.of("../models/fashion-mnist/model.zip");
    private static List<Row> testSplit;
    private static float[][] trainedOutputs;

    /** The prepared Fashion-MNIST test split: (label, pixels), 10,000 rows. */
    private static synchronized List<Row> testSplit() {
        if (testSplit == null) {
            testSplit = SparkTestSession.get().read().parquet(PreparedFashionMnist.path())
                    .where(col(ImageSchema.SPLIT).equalTo("test")).select(ImageSchema.LABEL, ImageSchema.PIXELS).collectAsList();
        }
        return testSplit;
    }

    private static List<byte[]> testImages() {
        return testSplit().stream().map(row -> (byte[]) row.get(1)).toList();
    }

    /** The trained network's own outputs (DL4J's training configuration) on the test split, once for every engine. */
    private static synchronized float[][] trainedOutputs() throws Exception {
        if (trainedOutputs == null) {
            MultiLayerNetwork trained = ModelBytes.fromBytes(Files.readAllBytes(COMMITTED_MODEL)).restore();
            List<byte[]> images = testImages();
            trainedOutputs = new float[images.size()][];
            for (int start = 0; start < images.size(); start += 1000) {
                INDArray batch = trained.output(Inference.features(images.subList(start, start + 1000)), false);
                for (int i = 0; i < 1000; i++) {
                    trainedOutputs[start + i] = batch.getRow(i).toFloatVector();
                }
            }
        }
        return trainedOutputs;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void eachEngineKeepsTheTrainedNetworksOutputsOnTheWholeTestSplit(Engine engine) throws Exception {
        ModelBytes model = ModelBytes.fromBytes(Files.readAllBytes(COMMITTED_MODEL));
        List<byte[]> images = testImages();
        assertEquals(10_000, images.size());
        float[][] expected = trainedOutputs();
        double largest = 0;
        for (int start = 0; start < images.size(); start += 1000) {
            float[][] actual = Inference.probabilities(model, engine, images.subList(start, start + 1000));
            for (int i = 0; i < actual.length; i++) {
                for (int c = 0; c < actual[i].length; c++) {
                    largest = Math.max(largest, Math.abs(expected[start + i][c] - actual[i][c]));
                }
            }
        }
        assertThat(largest).as(engine + ": largest probability difference").isLessThan(1e-4);
    }

    @Test
    void theTwoEnginesGiveTheSameAnswersOnTheCommittedModelAndTheTestSplit() throws Exception {
        ModelBytes model = ModelBytes.fromBytes(Files.readAllBytes(COMMITTED_MODEL));
        List<Row> rows = testSplit();
        List<byte[]> images = testImages();
        float[][] onnx = inBatches(model, Engine.ONNX, images);
        float[][] dl4j = inBatches(model, Engine.DL4J, images);
        double largest = 0;
        int samePrediction = 0;
        int onnxCorrect = 0;
        int dl4jCorrect = 0;
        for (int i = 0; i < images.size(); i++) {
            for (int c = 0; c < onnx[i].length; c++) {
                largest = Math.max(largest, Math.abs(onnx[i][c] - dl4j[i][c]));
            }
            int label = rows.get(i).getInt(0);
            samePrediction += Predictions.best(onnx[i]) == Predictions.best(dl4j[i]) ? 1 : 0;
            onnxCorrect += Predictions.best(onnx[i]) == label ? 1 : 0;
            dl4jCorrect += Predictions.best(dl4j[i]) == label ? 1 : 0;
        }
        assertThat(largest).as("largest probability difference between the engines").isLessThan(1e-4);
        assertThat(samePrediction).as("images both engines predict alike").isGreaterThanOrEqualTo(9_995);
        assertEquals(dl4jCorrect / 10_000.0, onnxCorrect / 10_000.0, 1e-4, "test accuracy, to the fourth decimal");
        assertThat(onnxCorrect / 10_000.0).as("the committed model's test accuracy").isGreaterThan(0.92);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void foldingAlsoHoldsForANetworkWithThisProjectsTrainingLayersAfterSomeTraining(Engine engine) {
        MultiLayerNetwork network = TinyModel.network();
        List<byte[]> images = randomImages(64, 7);
        INDArray features = Inference.features(images);
        for (int step = 0; step < 5; step++) {
            network.fit(features, org.nd4j.linalg.factory.Nd4j.eye(10).getRows(IntStream.range(0, 64).map(i -> i % 10).toArray()));
        }
        INDArray expected = network.output(features, false);
        float[][] actual = Inference.probabilities(ModelBytes.of(network), engine, images);
        for (int i = 0; i < images.size(); i++) {
            assertArrayEquals(expected.getRow(i).toFloatVector(), actual[i], 1e-4f, engine + ", image " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void streamsOneResultPerRowInInputOrderHoldingOneBatchAtATime(Engine engine) {
        ModelBytes model = ModelBytes.of(TinyModel.network());
        List<byte[]> images = randomImages(10, 3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(RowFactory.create("row-" + i, i == 4 ? null : images.get(i)));
        }
        int[] pulled = {0};
        Iterator<Row> source = new Iterator<>() {
            private final Iterator<Row> inner = rows.iterator();

            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public Row next() {
                pulled[0]++;
                return inner.next();
            }
        };
        Iterator<Object[]> results = Inference.stream(source, model, engine, 3, row -> (byte[]) row.get(1),
                (row, probabilities) -> new Object[]{row.getString(0), probabilities});

        Object[] first = results.next();
        assertEquals("row-0", first[0]);
        assertThat(pulled[0]).as("rows read to answer the first").isEqualTo(3);
        List<Object[]> all = new ArrayList<>();
        all.add(first);
        results.forEachRemaining(all::add);
        assertEquals(IntStream.range(0, 10).mapToObj(i -> "row-" + i).toList(), all.stream().map(r -> r[0]).toList());
        assertNull(all.get(4)[1], "a row without an image gets no probabilities");
        float[][] direct = Inference.probabilities(model, engine, List.of(images.get(5)));
        assertArrayEquals(direct[0], (float[]) all.get(5)[1], 1e-6f);
    }

    @Test
    void theDefaultEnginesNameNamesTheDefaultEngine() {
        assertEquals(Engine.DEFAULT, Engine.named(Engine.DEFAULT_NAME));
    }

    @Test
    void eachEnginesModelCacheHoldsABoundedNumberOfModels() {
        List<byte[]> image = randomImages(1, 11);
        for (int i = 0; i < ModelCache.CAPACITY + 3; i++) {
            MultiLayerNetwork network = TinyModel.network();
            network.params().muli(1 + 0.01 * i);
            ModelBytes model = ModelBytes.of(network);
            for (Engine engine : Engine.values()) {
                Inference.probabilities(model, engine, image);
            }
        }
        assertThat(Dl4jForwardPass.loadedModels()).isLessThanOrEqualTo(ModelCache.CAPACITY);
        assertThat(OnnxForwardPass.openSessions()).isLessThanOrEqualTo(ModelCache.CAPACITY);
    }

    /** Batches of 1024, as scoring runs them (one batch of 10,000 would hold ~1 GB per feature map). */
    private static float[][] inBatches(ModelBytes model, Engine engine, List<byte[]> images) {
        float[][] all = new float[images.size()][];
        for (int start = 0; start < images.size(); start += 1024) {
            float[][] batch = Inference.probabilities(model, engine, images.subList(start, Math.min(images.size(), start + 1024)));
            System.arraycopy(batch, 0, all, start, batch.length);
        }
        return all;
    }

    private static List<byte[]> randomImages(int count, long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[ImageSchema.PIXEL_COUNT];
            random.nextBytes(pixels);
            images.add(pixels);
        }
        return images;
    }
}
