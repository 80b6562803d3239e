package org.emnistnet.score;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.emnistnet.train.DataSetBatches;
import org.emnistnet.model.ModelBytes;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Scores one partition: inputs are (key, pixels, error) rows; images are grouped into batches for the network
 * (loaded once per executor from the broadcast bytes); rows that already carry an error pass through with it.
 * Output rows follow {@link PredictionSchema}, one per input, in input order.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
    private final Broadcast<ModelBytes> model;
    private final List<String> classNames;
    private final int topK;
    private final int batchSize;

    PartitionScorer(Broadcast<ModelBytes> model, List<String> classNames, int topK, int batchSize) {
        this.model = model;
        this.classNames = classNames;
        this.topK = Math.min(topK, classNames.size());
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> inputs) {
        org.emnistnet.model.GpuPinning.pinToAssignedGpu();
        return new Iterator<>() {
            private Iterator<Row> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && inputs.hasNext()) {
                    current = scoreBatch(inputs).iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                hasNext();
                return current.next();
            }
        };
    }

    private List<Row> scoreBatch(Iterator<Row> inputs) {
        List<Row> batch = new ArrayList<>(batchSize);
        int images = 0;
        while (inputs.hasNext() && images < batchSize) {
            Row row = inputs.next();
            batch.add(row);
            images += row.isNullAt(2) ? 1 : 0;
        }
        List<byte[]> pixels = new ArrayList<>(images);
        for (Row row : batch) {
            if (row.isNullAt(2)) {
                pixels.add((byte[]) row.get(1));
            }
        }
        INDArray probabilities = images == 0 ? null : model.value().output(DataSetBatches.features(pixels));
        float[] values = probabilities == null ? new float[0] : probabilities.data().asFloat();
        String sha = model.value().sha256();
        List<Row> out = new ArrayList<>(batch.size());
        int image = 0;
        for (Row row : batch) {
            if (!row.isNullAt(2)) {
                out.add(RowFactory.create(row.getString(0), null, null, null, null, sha, row.getString(2)));
                continue;
            }
            float[] p = Arrays.copyOfRange(values, image * classNames.size(), (image + 1) * classNames.size());
            image++;
            Integer[] order = ranked(p);
            Row[] top = new Row[topK];
            for (int k = 0; k < topK; k++) {
                top[k] = RowFactory.create(classNames.get(order[k]), (double) p[order[k]]);
            }
            out.add(RowFactory.create(row.getString(0), classNames.get(order[0]), order[0], (double) p[order[0]],
                    scala.collection.JavaConverters.asScalaBuffer(Arrays.asList(top)).toSeq(), sha, null));
        }
        return out;
    }

    private static Integer[] ranked(float[] probabilities) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        return order;
    }
}
