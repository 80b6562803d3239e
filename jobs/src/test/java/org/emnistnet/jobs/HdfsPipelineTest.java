package org.emnistnet.jobs;

import org.junit.jupiter.api.Tag;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.emnistnet.hdfs.HdfsExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every job with its data, run directory, scores and report on a real HDFS (NameNode + 2 DataNodes on 127.0.0.1),
 * on local[2]: ingest from IDX files on HDFS, prepare, train with {@code --run hdfs://...}, score a Parquet split
 * and a folder of PNG files on HDFS, evaluate with the report on HDFS. Nothing touches the local disk.
 */
@Tag("hdfs")
class HdfsPipelineTest {
    @RegisterExtension
    static final HdfsExtension HDFS = new HdfsExtension();
    private static FileSystem fs;

    @BeforeAll
    static void uploadTheIdxFiles() throws Exception {
        fs = HDFS.hdfs().fileSystem();
        fs.copyFromLocalFile(new Path("/usr/share/datasets/fashion-mnist"), new Path("/data/fashion-mnist"));
    }

    @AfterAll
    static void closeClient() throws Exception {
        fs.close();
    }

    private static JobOutput.Run job(Object job, String... args) {
        String[] withMaster = Arrays.copyOf(args, args.length + 2);
        withMaster[args.length] = "--master";
        withMaster[args.length + 1] = "local[2]";
        return JobOutput.capture(job, withMaster);
    }

    private static boolean isFile(String path) throws Exception {
        return fs.exists(new Path(path)) && fs.getFileStatus(new Path(path)).isFile();
    }

    @Test
    void theWholePipelineReadsAndWritesHdfsOnly() throws Exception {
        String raw = HDFS.url("/lake/raw");
        String prepared = HDFS.url("/lake/prepared");
        String run = HDFS.url("/runs/r1");
        JobOutput.Run ingest = job(new IngestJob(), "--dataset", "fashion-mnist", "--data", HDFS.url("/data/fashion-mnist"), "--out", raw);
        assertEquals(0, ingest.code(), ingest.err());
        assertTrue(isFile(raw + "/_manifest.json"));
        assertEquals(0, job(new PrepareJob(), "--in", raw, "--out", prepared).code());

        JobOutput.Run train = job(new TrainJob(), "--in", prepared, "--run", run, "--epochs", "2", "--limit", "1500", "--batch", "64");
        assertEquals(0, train.code(), train.err());
        assertThat(train.out()).contains("train: epoch 2/2").contains(run + "/model.zip");
        for (String file : List.of("run.json", "history.json", "curves.png", "model.zip", "model.zip.sha256", "model.json",
                "checkpoints/epoch-01.zip", "checkpoints/epoch-01.zip.sha256", "checkpoints/epoch-02.zip.sha256")) {
            assertTrue(isFile(run + "/" + file), file + " on HDFS");
        }
        assertFalse(fs.exists(new Path("/runs/r1/staging")), "staged minibatches are removed at the end");
        assertEquals(2, new ObjectMapper().readValue((java.io.InputStream) fs.open(new Path("/runs/r1/history.json")), List.class).size());

        JobOutput.Run score = job(new ScoreJob(), "--model", run + "/model.zip", "--in", prepared, "--out", HDFS.url("/scores/test"));
        assertEquals(0, score.code(), score.err());
        assertThat(score.out()).contains("10000 inputs, 10000 scored");
        assertTrue(isFile(HDFS.url("/scores/test/_SUCCESS")));

        for (int i = 0; i < 3; i++) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(28 + i, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png);
            try (var out = fs.create(new Path("/images/scan-" + i + ".png"))) {
                out.write(png.toByteArray());
            }
        }
        JobOutput.Run files = job(new ScoreJob(), "--model", run + "/model.zip", "--in", HDFS.url("/images"),
                "--out", HDFS.url("/scores/images"), "--format", "csv");
        assertEquals(0, files.code(), files.err());
        assertThat(files.out()).contains("3 inputs, 3 scored, 0 failed");

        String report = HDFS.url("/reports/test");
        JobOutput.Run evaluate = job(new EvaluateJob(), "--predictions", HDFS.url("/scores/test"), "--labels", prepared,
                "--out", report, "--run", run);
        assertEquals(0, evaluate.code(), evaluate.err());
        // 2 epochs of 1,500 images in minibatches of 64 (48 steps): it learns (in 12 steps of 256 it stayed at chance)
        assertThat(JobOutput.accuracyIn(evaluate.out())).as("accuracy on the 10,000 test images").isGreaterThan(0.2);
        for (String file : List.of("metrics.json", "confusion.png", "worst_errors.png", "curves.png", "report.html")) {
            assertTrue(isFile(report + "/" + file), file + " of the report on HDFS");
        }
        Map<?, ?> metrics = new ObjectMapper().readValue((java.io.InputStream) fs.open(new Path("/reports/test/metrics.json")), Map.class);
        assertEquals(10000, metrics.get("images"));
        assertThat((Map<String, Object>) metrics).containsKey("model");
    }
}
