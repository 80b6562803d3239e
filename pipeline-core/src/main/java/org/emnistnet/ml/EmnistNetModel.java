package org.emnistnet.ml;

import org.emnistnet.Defaults;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emnistnet.data.DataFiles;
import org.emnistnet.model.ModelBytes;
import org.emnistnet.score.Engine;
import org.emnistnet.score.Inference;
import org.emnistnet.score.Predictions;
import scala.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * A trained EMNISTNet as a Spark ML {@code Model}: {@code transform} adds a {@code prediction} column (the class
 * index as a double, Spark ML's convention) and a {@code probability} vector, by batched inference in
 * {@code mapPartitions} with the model broadcast once. Saves and loads with {@code MLWritable}/{@code MLReadable}.
 */
public final class EmnistNetModel extends Model<EmnistNetModel> implements EmnistNetParams, MLWritable {
    private static final int BATCH = Defaults.INFERENCE_BATCH;
    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> engine;
    private final ModelBytes model;

    public EmnistNetModel(String uid, ModelBytes model) {
        this.uid = uid;
        this.model = model;
        featuresCol = new Param<>(this, "featuresCol", "images: 784 bytes, Spark's image struct or a vector of 784 intensities");
        predictionCol = new Param<>(this, "predictionCol", "predicted class index (double)");
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities (vector)");
        engine = new Param<>(this, "engine", "forward pass: onnx (ONNX Runtime, the default) or dl4j",
                (String name) -> java.util.Arrays.asList(Engine.names()).contains(name));
        EmnistNetParams.defaults(this);
        setDefault(engine, Engine.DEFAULT.toString());
    }

    public EmnistNetModel(ModelBytes model) {
        this(Identifiable.randomUID("emnistNetModel"), model);
    }

    public ModelBytes modelBytes() {
        return model;
    }

    /**
     * The model card (classes, image recipe, dataset, training recipe, metrics, versions) as JSON, carried inside
     * the model file and so kept by {@code save}/{@code load}; empty for a model trained before cards went inside.
     */
    public java.util.Optional<String> modelCard() {
        return org.emnistnet.model.ModelZip.card(uid, model.bytes());
    }

    /** The forward pass's engine: {@code onnx} (default) or {@code dl4j}. */
    public Param<String> engine() {
        return engine;
    }

    public EmnistNetModel setEngine(String value) {
        set(engine, Engine.named(value).toString());
        return this;
    }

    @Override
    public Param<String> featuresCol() {
        return featuresCol;
    }

    @Override
    public Param<String> predictionCol() {
        return predictionCol;
    }

    @Override
    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public EmnistNetModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumn.of(getClass().getSimpleName(), schema, getOrDefault(featuresCol));
        return schema.add(getOrDefault(predictionCol), DataTypes.DoubleType, false)
                .add(getOrDefault(probabilityCol), SQLDataTypes.VectorType(), false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType output = transformSchema(dataset.schema());
        int features = dataset.schema().fieldIndex(getOrDefault(featuresCol));
        FeatureColumn kind = FeatureColumn.of(getClass().getSimpleName(), dataset.schema(), getOrDefault(featuresCol));
        Broadcast<ModelBytes> broadcast = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(model);
        Engine forward = Engine.named(getOrDefault(engine));
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(partition -> predict(partition, broadcast.value(), forward, features, kind));
        return dataset.sparkSession().createDataFrame(rows, output);
    }

    /** The input row with the predicted class index and the probability vector appended. */
    private static Iterator<Row> predict(Iterator<Row> partition, ModelBytes model, Engine engine, int featuresIndex,
                                         FeatureColumn kind) {
        return Inference.stream(partition, model, engine, BATCH, row -> kind.pixels(row.get(featuresIndex)), (row, probabilities) -> {
            Object[] values = new Object[row.size() + 2];
            double[] vector = new double[probabilities.length];
            for (int c = 0; c < probabilities.length; c++) {
                vector[c] = probabilities[c];
            }
            int best = Predictions.best(probabilities);
            for (int c = 0; c < row.size(); c++) {
                values[c] = row.get(c);
            }
            values[values.length - 2] = (double) best;
            values[values.length - 1] = Vectors.dense(vector);
            return RowFactory.create(values);
        });
    }

    @Override
    public EmnistNetModel copy(ParamMap extra) {
        return copyValues(new EmnistNetModel(uid, model), extra).setParent(parent());
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<EmnistNetModel> read() {
        return new Reader();
    }

    public static EmnistNetModel load(String path) {
        return read().load(path);
    }

    /** Params as Spark's metadata JSON, the network as {@code data/model.zip}. */
    private static final class Writer extends MLWriter {
        private final EmnistNetModel instance;

        Writer(EmnistNetModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sparkSession().sparkContext(), Option.empty(), Option.empty());
            Path file = new Path(path, "data/model.zip");
            try (FSDataOutputStream out = DataFiles.fileSystem(file).create(file, true)) {
                out.write(instance.model.bytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
    }

    private static final class Reader extends MLReader<EmnistNetModel> {
        @Override
        public EmnistNetModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession().sparkContext(),
                    EmnistNetModel.class.getName());
            try (InputStream in = DataFiles.openRaw(new Path(path, "data/model.zip"))) {
                EmnistNetModel model = new EmnistNetModel(metadata.uid(), ModelBytes.fromBytes(in.readAllBytes()));
                metadata.getAndSetParams(model, Option.empty());
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
    }
}
