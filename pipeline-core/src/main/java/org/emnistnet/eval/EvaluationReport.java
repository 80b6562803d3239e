package org.emnistnet.eval;

import org.emnistnet.data.PreparedDataset;
import org.emnistnet.picture.Pictures;

import org.emnistnet.data.Split;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.ScoringSummary;
import org.emnistnet.artifact.StageManifest;



import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.AtomicOutputDirectory;
import org.emnistnet.artifact.BuildInfo;
import org.emnistnet.artifact.Manifests;
import org.emnistnet.artifact.EpochRecord;
import org.emnistnet.artifact.TrainingHistory;




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
    private final SparkSession spark;

    public EvaluationReport(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * @param runDirectory the training run (for curves, history and model.json), or null
     */
    public Metrics write(String predictionsPath, String preparedPath, Split split, String reportDirectory,
                         RunDirectory runDirectory, boolean overwrite) {
        return write(predictionsPath, PreparedDataset.at(preparedPath), split, reportDirectory, runDirectory, overwrite);
    }

    /** {@link #write(String, String, Split, String, RunDirectory, boolean)} with the labels' dataset already opened. */
    public Metrics write(String predictionsPath, PreparedDataset labels, Split split, String reportDirectory,
                         RunDirectory runDirectory, boolean overwrite) {
        Path report = HadoopFiles.qualified(reportDirectory);
        AtomicOutputDirectory.checkWritable(report, overwrite);
        String preparedPath = labels.toString();
        StageManifest labelsManifest = labels.manifest();
        List<String> classNames = labelsManifest.classNames();
        ScoringSummary summary = Manifests.readNamed(new Path(predictionsPath), ScoringSummary.FILE_NAME, ScoringSummary.class);
        Dataset<Row> predictions = spark.read().parquet(HadoopFiles.literal(predictionsPath));
        Dataset<Row> labelled = labels.split(spark, split);
        int topK = predictions.select(org.apache.spark.sql.functions.max(org.apache.spark.sql.functions.size(col("top_k")))).first().getInt(0);
        Evaluation.Outcome outcome = Evaluation.evaluate(predictions, labelled, classNames, Math.max(1, topK));
        if (outcome.metrics().total() == 0) {
            throw new EmnistNetException(predictionsPath + ": no prediction matches an id of split '" + split + "' in " + preparedPath);
        }
        Metrics metrics = outcome.metrics();
        List<Row> worst = Evaluation.worstErrors(outcome, 36);

        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("predictions", predictionsPath);
        provenance.put("model_sha256", summary.modelSha256());
        provenance.put("labels", preparedPath + " (split " + split + ")");
        provenance.put("labels_manifest_sha256", labels.manifestSha256());
        provenance.put("dataset", labelsManifest.dataset());
        provenance.put("dataset_input_sha256", labelsManifest.inputSha256());
        List<EpochRecord> history = List.of();
        Path curves = null;
        if (runDirectory != null) {
            history = TrainingHistory.read(runDirectory.file(RunDirectory.HISTORY));
            curves = runDirectory.file(RunDirectory.CURVES);
            Path modelCard = runDirectory.file(RunDirectory.MODEL_CARD);
            if (AtomicFiles.isFile(modelCard)) {
                // read typed (and migrated), shown as the JSON this version writes
                provenance.put("model", org.emnistnet.artifact.Json.MAPPER.valueToTree(
                        org.emnistnet.model.ModelCard.read(modelCard.toString(), AtomicFiles.read(modelCard))));
            }
        }
        provenance.put("versions", BuildInfo.versions());

        Map<String, Object> metricsJson = new LinkedHashMap<>(metrics.toMap());
        metricsJson.put("split", split.id());
        metricsJson.put("unscored", outcome.unscored());
        metricsJson.put("unlabelled", outcome.unlabelled());
        metricsJson.putAll(provenance);
        boolean hasCurves = curves != null && AtomicFiles.isFile(curves);
        String title = "EMNISTNet on " + labelsManifest.dataset() + " (" + split + ")";
        String html = ReportPage.render(title, metrics, provenance, history, hasCurves, outcome.unscored(), outcome.unlabelled());
        byte[] curvesPng = hasCurves ? AtomicFiles.read(curves) : null;
        AtomicOutputDirectory.write(report, overwrite, temporary -> {
            AtomicFiles.writeJson(new Path(temporary, "metrics.json"), metricsJson);
            AtomicFiles.write(new Path(temporary, "confusion.png"), Pictures.png(ConfusionChart.render(metrics)));
            AtomicFiles.write(new Path(temporary, "worst_errors.png"), Pictures.png(ErrorGallery.render(worst)));
            if (curvesPng != null) {
                AtomicFiles.write(new Path(temporary, "curves.png"), curvesPng);
            }
            AtomicFiles.writeString(new Path(temporary, "report.html"), html);
        });
        return metrics;
    }
}
