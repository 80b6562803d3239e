package org.emnistnet.score;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.TinyModel;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.TrainedModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

import static org.apache.spark.sql.functions.col;

/**
 * What the scoring tests start from: a real local Spark, a real (untrained) EMNISTNet saved as a model in the test's
 * folder, 300 real test images, and the network's own answer for one image.
 */
abstract class ScoringFixture {
    final SparkSession spark = SparkTestSession.get();
    @TempDir
    Path tmp;
    MultiLayerNetwork network;
    TrainedModel model;
    Dataset<Row> testRows;

    @BeforeEach
    void saveAModel() throws Exception {
        network = TinyModel.network();
        model = TrainedModel.load(TinyModel.save(network, tmp.resolve("run")).toString());
        testRows = spark.read().parquet(PreparedFashionMnist.path())
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
