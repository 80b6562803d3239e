package org.emnistnet.score;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.TinyModel;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.ModelBytes;
import org.junit.jupiter.api.Test;
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

/** The one inference path: folded BatchNorm, streaming batches, a bounded model cache. */
class InferenceTest {
    private static final Path COMMITTED_MODEL = Path.of("../models/fashion-mnist/model.zip");

    @Test
    void foldingBatchNormKeepsTheTrainedNetworksOutputsOnTheWholeTestSplit() throws Exception {
        ModelBytes model = ModelBytes.fromBytes(Files.readAllBytes(COMMITTED_MODEL));
        MultiLayerNetwork trained = model.restore();
        List<byte[]> images = SparkTestSession.get().read().parquet(PreparedFashionMnist.path())
                .where(col(ImageSchema.SPLIT).equalTo("test")).select(ImageSchema.PIXELS).as(org.apache.spark.sql.Encoders.BINARY())
                .collectAsList();
        assertEquals(10_000, images.size());
        double largest = 0;
        for (int start = 0; start < images.size(); start += 1000) {
            List<byte[]> batch = images.subList(start, start + 1000);
            INDArray expected = trained.output(Inference.features(batch), false);
            float[][] actual = Inference.probabilities(model, batch);
            for (int i = 0; i < batch.size(); i++) {
                for (int c = 0; c < actual[i].length; c++) {
                    largest = Math.max(largest, Math.abs(expected.getFloat(i, c) - actual[i][c]));
                }
            }
        }
        assertThat(largest).isLessThan(1e-5); // the issue asks 1e-4; measured 1.4e-6
    }

    @Test
    void foldingAlsoHoldsForANetworkWithThisProjectsTrainingLayersAfterSomeTraining() {
        MultiLayerNetwork network = TinyModel.network();
        List<byte[]> images = randomImages(64, 7);
        INDArray features = Inference.features(images);
        for (int step = 0; step < 5; step++) {
            network.fit(features, org.nd4j.linalg.factory.Nd4j.eye(10).getRows(IntStream.range(0, 64).map(i -> i % 10).toArray()));
        }
        INDArray expected = network.output(features, false);
        float[][] actual = Inference.probabilities(ModelBytes.of(network), images);
        for (int i = 0; i < images.size(); i++) {
            assertArrayEquals(expected.getRow(i).toFloatVector(), actual[i], 1e-4f, "image " + i);
        }
    }

    @Test
    void streamsOneResultPerRowInInputOrderHoldingOneBatchAtATime() {
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
        Iterator<Object[]> results = Inference.stream(source, model, 3, row -> (byte[]) row.get(1),
                (row, probabilities) -> new Object[]{row.getString(0), probabilities});

        Object[] first = results.next();
        assertEquals("row-0", first[0]);
        assertThat(pulled[0]).as("rows read to answer the first").isEqualTo(3);
        List<Object[]> all = new ArrayList<>();
        all.add(first);
        results.forEachRemaining(all::add);
        assertEquals(IntStream.range(0, 10).mapToObj(i -> "row-" + i).toList(), all.stream().map(r -> r[0]).toList());
        assertNull(all.get(4)[1], "a row without an image gets no probabilities");
        float[][] direct = Inference.probabilities(model, List.of(images.get(5)));
        assertArrayEquals(direct[0], (float[]) all.get(5)[1], 1e-6f);
    }

    @Test
    void theModelCacheHoldsABoundedNumberOfModels() {
        List<byte[]> image = randomImages(1, 11);
        for (int i = 0; i < Inference.CACHED_MODELS + 3; i++) {
            MultiLayerNetwork network = TinyModel.network();
            network.params().muli(1 + 0.01 * i);
            Inference.probabilities(ModelBytes.of(network), image);
        }
        assertThat(Inference.loadedModels()).isLessThanOrEqualTo(Inference.CACHED_MODELS);
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
