package org.emnistnet.score;

import org.emnistnet.data.ImageFolder;
import org.emnistnet.data.ImageFileReader;
import org.emnistnet.data.Split;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.ScoringSummary;
import org.emnistnet.artifact.AtomicOutputDirectory;
import org.emnistnet.artifact.BuildInfo;
import org.emnistnet.data.ImageFileDecoder;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.InvalidDataException;
import org.emnistnet.artifact.Manifests;
import org.emnistnet.runtime.ComputeBackend;
import org.emnistnet.model.ModelBytes;
import org.emnistnet.model.TrainedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

/**
 * Distributed batch scoring: the model's bytes are broadcast once, each executor deserialises them once, and
 * {@code mapPartitions} runs batched inference. Inputs are a prepared Parquet split or a directory tree of image
 * files (listed on the driver, read on the executors through Hadoop's {@code FileSystem}: any filesystem). A file
 * that cannot be decoded becomes a row with an {@code error} and no prediction; nothing is dropped.
 */
public final class BatchScorer {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);
    /** 64 MiB: far above any real image of a handwritten letter, far below what would strain an executor. */
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
    private final SparkSession spark;
    private final TrainedModel model;
    private final int topK;
    private final int batchSize;
    private Engine engine = Engine.DEFAULT;
    private Consumer<String> progress; // null: nobody asked, so no counting job and no timer
    private Duration progressEvery = Duration.ofSeconds(10);

    public BatchScorer(SparkSession spark, TrainedModel model, int topK, int batchSize) {
        if (topK < 1 || batchSize < 1) {
            throw new EmnistNetException(org.emnistnet.Parameter.TOP_K + " (" + topK + ") and " + org.emnistnet.Parameter.BATCH_SIZE
                    + " (" + batchSize + ") must be >= 1");
        }
        this.spark = spark;
        this.model = model;
        this.topK = topK;
        this.batchSize = batchSize;
        ComputeBackend.configure();
        LOG.info("scoring with model {} ({}) on {}", model.sha256(), model.dataset(), ComputeBackend.describe());
    }

    /**
     * Scores with {@code engine} (default {@link Engine#DEFAULT}); checked here, on the driver, so that a model
     * the engine cannot run fails once, naming its file, before any task starts.
     */
    public BatchScorer withEngine(Engine engine) {
        this.engine = engine;
        Inference.probabilities(model.bytes(), engine, List.of(new byte[ImageSchema.PIXEL_COUNT]));
        return this;
    }

    public Engine engine() {
        return engine;
    }

    /** Reports progress while {@link #write} runs: a line at most every {@code every}, and one at the end. */
    public BatchScorer withProgress(Consumer<String> lines, Duration every) {
        this.progress = lines;
        this.progressEvery = every;
        return this;
    }

    /**
     * Scores one split of a prepared dataset; the summary records the SHA-256 of the dataset's manifest, so that
     * the scores name exactly the data they came from.
     */
    public ScoringResult scoreSplit(String prepared, Split split) {
        return scoreSplit(org.emnistnet.data.PreparedDataset.at(prepared), split);
    }

    /** {@link #scoreSplit(String, Split)} of a prepared dataset already opened. */
    public ScoringResult scoreSplit(org.emnistnet.data.PreparedDataset prepared, Split split) {
        ScoringResult scored;
        try {
            scored = scoreImages(prepared.split(spark, split));
        } catch (Exception e) { // Spark's AnalysisException is checked in Scala's eyes only
            if (e instanceof org.apache.spark.sql.AnalysisException analysis) {
                throw new EmnistNetException(prepared + ": not a prepared dataset with the columns scoring reads ("
                        + ImageSchema.ID + ", " + ImageSchema.PIXELS + ", " + ImageSchema.SPLIT + "): "
                        + analysis.getMessage().lines().findFirst().orElse(""), e);
            }
            throw e;
        }
        return new ScoringResult(scored.predictions(), ScoringSummary.Input.split(prepared.manifestSha256(), split.id()),
                scored.inputCount(), scored.scored());
    }

    /** Scores rows with {@code id} and {@code pixels} (e.g. one split of a prepared dataset). */
    public ScoringResult scoreImages(Dataset<Row> rows) {
        long inputCount = progress == null ? 0 : rows.count(); // the total for progress: a Spark job, only when asked
        JavaRDD<Row> inputs = rows.select(col(ImageSchema.ID), col(ImageSchema.PIXELS), input_file_name()).javaRDD()
                .map(row -> {
                    if (row.isNullAt(0)) { // a prediction is keyed by its id: one without an id would be no answer
                        throw new InvalidDataException((row.getString(2).isEmpty() ? "the input" : row.getString(2))
                                + ": a row without an id (null): every image to score needs one, its prediction is keyed by it");
                    }
                    return RowFactory.create(row.getString(0), row.get(1), badLength(row.get(1)));
                });
        return score(inputs, ImageSchema.ID, ScoringSummary.Input.rows(), inputCount);
    }

    /**
     * Scores every file under {@code directory} (recursively), decoded by the model's dataset recipe; every file
     * gets exactly one row, and one with an error when it is empty, larger than {@code maxFileBytes} or unreadable.
     * Symbolic links are skipped unless {@code followLinks}, and then followed only inside the folder; the links
     * skipped are counted by reason in the summary ({@link ImageFolder}).
     */
    public ScoringResult scoreFiles(String directory, long maxFileBytes, boolean followLinks) {
        ImageFileDecoder decoder = new ImageFileDecoder(model.imageFileRecipe());
        ImageFolder.Listing listing = ImageFolder.list(new Path(directory), maxFileBytes, followLinks);
        if (!listing.skippedLinks().isEmpty()) {
            LOG.warn("{}: symbolic links skipped, by reason: {}", directory, listing.skippedLinks());
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> inputs = ImageFileReader.read(context, listing.toRead(), 4 * batchSize)
                .map(row -> {
                    if (row.isNullAt(1)) {
                        return row; // unreadable: its error row as it is
                    }
                    ImageFileDecoder.Decoded decoded = decoder.decode((byte[]) row.get(1));
                    return RowFactory.create(row.getString(0), decoded.pixels(), decoded.error());
                });
        return score(listing.notRead().isEmpty() ? inputs : inputs.union(context.parallelize(listing.notRead(), 1)), "path",
                ScoringSummary.Input.folder(listing.files(), listing.bytes(), listing.skippedLinks()), listing.files());
    }

    /** {@link #scoreFiles(String, long, boolean)} with files up to {@link #DEFAULT_MAX_FILE_BYTES}, links not followed. */
    public ScoringResult scoreFiles(String directory) {
        return scoreFiles(directory, DEFAULT_MAX_FILE_BYTES, false);
    }

    private ScoringResult score(JavaRDD<Row> inputs, String key, ScoringSummary.Input input, long inputCount) {
        Broadcast<ModelBytes> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model.bytes());
        LongAccumulator scored = spark.sparkContext().longAccumulator("emnistnet.scored"); // this input's progress alone
        JavaRDD<Row> predictions = inputs.mapPartitions(new PartitionScorer(broadcast, engine, model.classNames(), topK, batchSize, scored));
        return new ScoringResult(spark.createDataFrame(predictions, PredictionSchema.withKey(key)), input, inputCount, scored);
    }

    private static String badLength(Object pixels) {
        int length = pixels == null ? 0 : ((byte[]) pixels).length;
        return length == ImageSchema.PIXEL_COUNT ? null : "wrong image size: pixels has " + length + " bytes, expected " + ImageSchema.PIXEL_COUNT;
    }

    /** Counts of a scoring output: inputs, scored, failed, and failures by kind. */
    public static ScoringSummary.Counts summarize(Dataset<Row> predictions) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        long inputs = 0;
        long failed = 0;
        for (Row row : predictions.groupBy(col(PredictionSchema.ERROR_KIND))
                .count().collectAsList()) {
            inputs += row.getLong(1);
            if (!row.isNullAt(0)) {
                failed += row.getLong(1);
                byReason.put(row.getString(0), row.getLong(1));
            }
        }
        return new ScoringSummary.Counts(inputs, inputs - failed, failed, byReason);
    }

    /**
     * Writes predictions atomically as parquet (default), csv (top-k flattened to columns) or json (lines), with
     * {@code _summary.json} (counts and provenance), and returns the summary.
     */
    public ScoringSummary write(ScoringResult result, Path out, OutputFormat format, boolean overwrite, String input) {
        ScoringSummary[] summary = new ScoringSummary[1];
        AtomicOutputDirectory.write(out, overwrite, temporary -> {
            Dataset<Row> shaped = format.shape(result.predictions(), topK);
            // try-with-resources skips a null resource: no timer when nobody asked for progress
            try (ScoringProgress running = progress == null ? null : new ScoringProgress(result.scored(), result.inputCount(), progressEvery, progress)) {
                shaped.write().format(format.name()).options(format.options()).save(temporary.toString());
            }
            // Counted from the written data (read back as written: a CSV field may hold a line break), not re-scored.
            ScoringSummary.Counts counts = summarize(spark.read().format(format.name()).schema(shaped.schema())
                    .options(format.options()).load(HadoopFiles.literal(temporary.toString())));
            summary[0] = ScoringSummary.of(counts, input, result.input(), model.sha256(), model.dataset(), format.name(),
                    engine + " on " + ComputeBackend.describe(), BuildInfo.versions());
            Manifests.writeNamed(temporary, ScoringSummary.FILE_NAME, summary[0]);
        });
        LOG.info("scored {} -> {}", summary[0].line(), out);
        return summary[0];
    }
}
