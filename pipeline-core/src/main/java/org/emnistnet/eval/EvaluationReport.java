package org.emnistnet.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.EmnistNetException;
import org.emnistnet.data.AtomicOutputDirectory;
import org.emnistnet.data.BuildInfo;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.data.Manifests;
import org.emnistnet.train.EpochRecord;
import org.emnistnet.train.TrainingHistory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The evaluate stage: predictions (from score) and the labelled split they came from in, a report directory out:
 * {@code metrics.json}, {@code confusion.png}, {@code worst_errors.png}, {@code report.html} (and the run's
 * {@code curves.png} when the run directory is given). Every figure cites the SHA-256 of its inputs.
 */
public final class EvaluationReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final SparkSession spark;

    public EvaluationReport(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * @param runDirectory the training run (for curves, history and model.json), or null
     */
    public Metrics write(String predictionsPath, String preparedPath, String split, java.nio.file.Path reportDirectory,
                         java.nio.file.Path runDirectory, boolean overwrite) {
        Map<String, Object> labelsManifest = Manifests.read(new Path(preparedPath));
        @SuppressWarnings("unchecked")
        List<String> classNames = (List<String>) labelsManifest.get("class_names");
        Map<String, Object> summary = Manifests.readNamed(new Path(predictionsPath), "_summary.json");
        Dataset<Row> predictions = spark.read().parquet(predictionsPath);
        Dataset<Row> labelled = spark.read().parquet(preparedPath).where(col(ImageSchema.SPLIT).equalTo(split));
        int topK = predictions.select(org.apache.spark.sql.functions.max(org.apache.spark.sql.functions.size(col("top_k")))).first().getInt(0);
        Evaluation.Outcome outcome = Evaluation.evaluate(predictions, labelled, classNames, Math.max(1, topK));
        if (outcome.metrics().total() == 0) {
            throw new EmnistNetException(predictionsPath + ": no prediction matches an id of split '" + split + "' in " + preparedPath);
        }
        Metrics metrics = outcome.metrics();
        List<Row> worst = Evaluation.worstErrors(outcome, 36);

        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("predictions", predictionsPath);
        provenance.put("model_sha256", summary.get("model_sha256"));
        provenance.put("labels", preparedPath + " (split " + split + ")");
        provenance.put("labels_manifest_sha256", Manifests.sha256(new Path(preparedPath)));
        provenance.put("dataset", labelsManifest.get("dataset"));
        provenance.put("dataset_input_sha256", labelsManifest.get("input_sha256"));
        List<EpochRecord> history = List.of();
        java.nio.file.Path curves = null;
        if (runDirectory != null) {
            history = TrainingHistory.read(runDirectory.resolve("history.json"));
            curves = runDirectory.resolve("curves.png");
            java.nio.file.Path modelJson = runDirectory.resolve("model.json");
            if (Files.isRegularFile(modelJson)) {
                provenance.put("model", readJson(modelJson));
            }
        }
        provenance.put("versions", BuildInfo.versions());

        Map<String, Object> metricsJson = new LinkedHashMap<>(metrics.toMap());
        metricsJson.put("split", split);
        metricsJson.put("unscored", outcome.unscored());
        metricsJson.put("unlabelled", outcome.unlabelled());
        metricsJson.putAll(provenance);
        boolean hasCurves = curves != null && Files.isRegularFile(curves);
        String title = "EMNISTNet on " + labelsManifest.get("dataset") + " (" + split + ")";
        String html = ReportPage.render(title, metrics, provenance, history, hasCurves, outcome.unscored(), outcome.unlabelled());
        java.nio.file.Path curvesSource = curves;
        AtomicOutputDirectory.write(new Path(reportDirectory.toAbsolutePath().toUri()), overwrite, temporary -> {
            java.nio.file.Path dir = java.nio.file.Path.of(temporary.toUri());
            try {
                Files.createDirectories(dir);
                JSON.writeValue(dir.resolve("metrics.json").toFile(), metricsJson);
                ConfusionChart.write(metrics, dir.resolve("confusion.png"));
                ErrorGallery.write(worst, dir.resolve("worst_errors.png"));
                if (hasCurves) {
                    Files.copy(curvesSource, dir.resolve("curves.png"));
                }
                Files.writeString(dir.resolve("report.html"), html);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the report", e);
            }
        });
        return metrics;
    }

    private static Object readJson(java.nio.file.Path file) {
        try {
            return JSON.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new EmnistNetException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
