package org.emnistnet.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.PreparedFashionMnist;
import org.emnistnet.SparkTestSession;
import org.emnistnet.TinyModel;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.model.TrainedModel;
import org.emnistnet.score.BatchScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** evaluate: metrics that agree with the predictions, pictures that decode, and a page whose links exist. */
class EvaluationReportTest {
    private final SparkSession spark = SparkTestSession.get();
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void writesMetricsPicturesAndAReportWhoseLinksExist() throws Exception {
        String prepared = PreparedFashionMnist.path();
        TrainedModel model = TrainedModel.load(TinyModel.save(TinyModel.network(), tmp.resolve("run")).toString());
        BatchScorer scorer = new BatchScorer(spark, model, 3, 256);
        Dataset<Row> test = spark.read().parquet(prepared).where(col(ImageSchema.SPLIT).equalTo("test")).orderBy(ImageSchema.ID).limit(400);
        scorer.write(scorer.scoreImages(test), new Path(tmp.resolve("scores").toString()), org.emnistnet.score.OutputFormat.parquet, false, "test");

        java.nio.file.Path report = tmp.resolve("report");
        Metrics metrics = new EvaluationReport(spark).write(tmp.resolve("scores").toString(), prepared, org.emnistnet.data.Split.TEST, report.toString(), null, false);

        long correct = spark.read().parquet(tmp.resolve("scores").toString()).join(test, "id")
                .where(col("label_index").equalTo(col("label"))).count();
        assertEquals(400, metrics.total());
        assertEquals(correct / 400.0, metrics.accuracy(), 1e-12);
        Map<?, ?> json = new ObjectMapper().readValue(report.resolve("metrics.json").toFile(), Map.class);
        assertThat((Map<String, Object>) json).containsKeys("accuracy", "macro_precision", "macro_recall", "macro_f1",
                "per_class", "top3_accuracy", "confusion_matrix", "most_confused", "model_sha256", "labels_manifest_sha256");
        assertEquals(model.sha256(), json.get("model_sha256"));

        BufferedImage confusion = ImageIO.read(report.resolve("confusion.png").toFile());
        assertEquals(700, confusion.getWidth());
        assertEquals(600, confusion.getHeight());
        assertTrue(ImageIO.read(report.resolve("worst_errors.png").toFile()).getWidth() > 0);

        String html = Files.readString(report.resolve("report.html"));
        Matcher links = Pattern.compile("src=\"([^\"]+)\"").matcher(html);
        int count = 0;
        while (links.find()) {
            assertTrue(Files.isRegularFile(report.resolve(links.group(1))), "report links to " + links.group(1));
            count++;
        }
        assertEquals(2, count, "confusion matrix and error gallery (no run given: no curves)");
        assertThat(html).contains("Per class").contains("Ankle boot").contains(model.sha256());
    }
}
