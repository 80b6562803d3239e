package org.emnistnet.ml;

import org.emnistnet.Defaults;
import org.emnistnet.data.Split;
import org.emnistnet.artifact.StageManifest;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.RunDirectory;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.data.SchemaChecks;
import org.emnistnet.model.ModelBytes;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.train.TrainingData;
import org.emnistnet.train.TrainingOptions;
import org.emnistnet.train.TrainingRun;
import org.emnistnet.transform.Preparation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * EMNISTNet as a Spark ML {@code Estimator}: {@code fit} holds out a stratified validation share of the rows
 * and trains with the reference recipe and parameter averaging, through the same {@link TrainingRun} the train
 * job uses (checkpoints and history go to {@code runDirectory}, a temporary directory by default). Input: an
 * image column (784 bytes), a numeric label column (0-based class index, any number type) and a string id column.
 *
 * <pre>
 * new Pipeline().setStages(new PipelineStage[]{OrientationFix.forDataset(true), new EmnistNetClassifier()
 *         .setClassNames(names).setEpochs(15)}).fit(train)
 * </pre>
 */
public final class EmnistNetClassifier extends Estimator<EmnistNetModel> implements EmnistNetParams, DefaultParamsWritable {
    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> labelCol;
    private final Param<String> idCol;
    private final StringArrayParam classNames;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final IntParam workers;
    private final IntParam averagingFrequency;
    private final LongParam seed;
    private final DoubleParam valFraction;
    private final Param<String> runDirectory;

    public EmnistNetClassifier() {
        this(Identifiable.randomUID("emnistNetClassifier"));
    }

    public EmnistNetClassifier(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "column of 784-byte images");
        predictionCol = new Param<>(this, "predictionCol", "predicted class index (double)");
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities (vector)");
        labelCol = new Param<>(this, "labelCol", "0-based integer class");
        idCol = new Param<>(this, "idCol", "string id per image (seeds augmentation and the validation split)");
        classNames = new StringArrayParam(this, "classNames", "class names in label order (their number sets the output layer)");
        epochs = new IntParam(this, "epochs", "training epochs", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "global minibatch, split over the workers", ParamValidators.gtEq(1));
        workers = new IntParam(this, "workers", "parallel workers (0 = one on a local master, Spark's default parallelism on a cluster)", ParamValidators.gtEq(0));
        averagingFrequency = new IntParam(this, "averagingFrequency", "minibatches between parameter averagings (0 = every minibatch on a local master, every 5 on a cluster)", ParamValidators.gtEq(0));
        seed = new LongParam(this, "seed", "random seed");
        valFraction = new DoubleParam(this, "valFraction", "share of rows held out for validation, per class", ParamValidators.inRange(0, 1, false, false));
        runDirectory = new Param<>(this, "runDirectory", "where checkpoints and history go (empty = a temporary directory)");
        EmnistNetParams.defaults(this);
        TrainingRecipe reference = TrainingRecipe.reference();
        setDefault(labelCol, ImageSchema.LABEL);
        setDefault(idCol, ImageSchema.ID);
        setDefault(epochs, reference.epochs());
        setDefault(batchSize, reference.batchSize());
        setDefault(workers, 0);
        setDefault(averagingFrequency, 0);
        setDefault(seed, reference.seed());
        setDefault(valFraction, Defaults.VAL_FRACTION);
        setDefault(runDirectory, "");
    }

    // Spark ML finds params through public no-argument methods named after them.
    @Override public Param<String> featuresCol() { return featuresCol; }
    @Override public Param<String> predictionCol() { return predictionCol; }
    @Override public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> idCol() { return idCol; }
    public StringArrayParam classNames() { return classNames; }
    public IntParam epochs() { return epochs; }
    public IntParam batchSize() { return batchSize; }
    public IntParam workers() { return workers; }
    public IntParam averagingFrequency() { return averagingFrequency; }
    public LongParam seed() { return seed; }
    public DoubleParam valFraction() { return valFraction; }
    public Param<String> runDirectory() { return runDirectory; }

    public EmnistNetClassifier setClassNames(List<String> value) { set(classNames, value.toArray(new String[0])); return this; }
    public EmnistNetClassifier setEpochs(int value) { set(epochs, value); return this; }
    public EmnistNetClassifier setBatchSize(int value) { set(batchSize, value); return this; }
    public EmnistNetClassifier setWorkers(int value) { set(workers, value); return this; }
    public EmnistNetClassifier setAveragingFrequency(int value) { set(averagingFrequency, value); return this; }
    public EmnistNetClassifier setSeed(long value) { set(seed, value); return this; }
    public EmnistNetClassifier setValFraction(double value) { set(valFraction, value); return this; }
    public EmnistNetClassifier setRunDirectory(String value) { set(runDirectory, value); return this; }
    public EmnistNetClassifier setFeaturesCol(String value) { set(featuresCol, value); return this; }
    public EmnistNetClassifier setLabelCol(String value) { set(labelCol, value); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(classNames)) {
            throw new EmnistNetException("EmnistNetClassifier: set classNames (they fix the number of outputs)");
        }
        EmnistNetParams.requireFeatures(this, schema, getOrDefault(featuresCol));
        SchemaChecks.requireNumericColumn(getClass().getSimpleName(), schema, getOrDefault(labelCol),
                "the class index 0.." + (getOrDefault(classNames).length - 1) + ", e.g. a StringIndexer's output");
        EmnistNetParams.requireColumn(this, schema, getOrDefault(idCol), DataTypes.StringType);
        return schema.add(getOrDefault(predictionCol), DataTypes.DoubleType, false)
                .add(getOrDefault(probabilityCol), org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false);
    }

    @Override
    public EmnistNetModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        long seedValue = (Long) getOrDefault(seed);
        Dataset<Row> rows = dataset.toDF().select(col(getOrDefault(idCol)).as(ImageSchema.ID),
                        ClassLabels.checked(dataset.toDF(), getOrDefault(idCol), getOrDefault(labelCol), getOrDefault(classNames).length)
                                .as(ImageSchema.LABEL),
                        col(getOrDefault(featuresCol)).as(ImageSchema.PIXELS)).withColumn(ImageSchema.SPLIT, lit(Split.TRAIN.id()));
        Dataset<Row> split = Preparation.withValidationSplit(rows, (Double) getOrDefault(valFraction), seedValue);
        List<String> names = Arrays.asList(getOrDefault(classNames));
        TrainingData data = new TrainingData("Spark ML DataFrame " + uid, names, StageManifest.ofDataFrame("spark-ml", names),
                "n/a (DataFrame input)", Split.TRAIN.of(split),
                Split.VAL.of(split), null);
        TrainingRecipe recipe = TrainingRecipe.reference().withEpochs((Integer) getOrDefault(epochs))
                .withBatchSize((Integer) getOrDefault(batchSize)).withSeed(seedValue);
        TrainingOptions options = new TrainingOptions(recipe, (Integer) getOrDefault(workers), 0, (Integer) getOrDefault(averagingFrequency), 0);
        String configured = getOrDefault(runDirectory);
        RunDirectory run = configured.isEmpty() ? temporaryRunDirectory() : RunDirectory.at(configured);
        try {
            new TrainingRun(dataset.sparkSession()).train(data, run, options, false, null, line -> { });
            EmnistNetModel model = new EmnistNetModel(uid + "_model", ModelBytes.read(run.model(), null));
            return copyValues(model, ParamMap.empty()).setParent(this);
        } finally {
            if (configured.isEmpty()) {
                AtomicFiles.delete(run.root()); // the model lives on in memory; the checkpoints were ours alone
            }
        }
    }

    private static RunDirectory temporaryRunDirectory() {
        try {
            return RunDirectory.at(Files.createTempDirectory("emnistnet-fit-").toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public EmnistNetClassifier copy(ParamMap extra) {
        return (EmnistNetClassifier) defaultCopy(extra);
    }

    @Override
    public String uid() {
        return uid;
    }

    public static MLReader<EmnistNetClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static EmnistNetClassifier load(String path) {
        return read().load(path);
    }
}
