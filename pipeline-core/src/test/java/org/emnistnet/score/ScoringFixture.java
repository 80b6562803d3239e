package org.emnistnet.score;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.TinyModel;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.TrainedModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

import static org.apache.spark.sql.functions.col;

/** A real (untrained) EMNISTNet saved as a model, 300 real test images, and the network's own answer for one image. */
final class ScoringFixture {
    final MultiLayerNetwork network;
    final TrainedModel model;
    final Dataset<Row> testRows;

    ScoringFixture(Path dir) throws Exception {
        network = TinyModel.network();
        model = TrainedModel.load(TinyModel.save(network, dir.resolve("run")).toString());
        testRows = SparkTestSession.get().read().parquet(PreparedFashionMnist.path())
                .where(col(ImageSchema.SPLIT).equalTo("test")).orderBy(ImageSchema.ID).limit(300);
    }

    /** The class the network itself gives {@code pixels}, outside Spark. */
    int inProcessPrediction(byte[] pixels) {
        float[] features = new float[784];
        for (int i = 0; i < 784; i++) {
            features[i] = (pixels[i] & 0xff) / 255f;
        }
        INDArray output = network.output(Nd4j.create(features, new long[]{1, 1, 28, 28}, 'c'));
        return output.argMax(1).getInt(0);
    }
}
