package org.emnistnet.data;

import org.emnistnet.artifact.Sha256;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.FashionMnist;
import org.emnistnet.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole real Fashion-MNIST, ingested: Parquet holds exactly the IDX bytes, row for row. */
class FashionMnistIngestTest {
    private final SparkSession spark = SparkTestSession.get();

    @TempDir
    Path tmp;

    @Test
    void parquetHoldsExactlyTheIdxPixelsAndLabelsOfEverySplit() {
        DatasetDescriptor dataset = DatasetDescriptor.named("fashion-mnist");
        org.apache.hadoop.fs.Path dataDir = new org.apache.hadoop.fs.Path(FashionMnist.dir().toString());
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.resolve("raw").toString());
        IdxIngest.Result result = new IdxIngest(spark).ingest(dataset, dataDir, out, false, false);
        assertEquals(Map.of("train", 60000L, "test", 10000L), result.rows());

        for (String split : List.of("train", "test")) {
            SplitFiles files = dataset.splits().get(split);
            MessageDigest pixels = Sha256.newDigest();
            MessageDigest labels = Sha256.newDigest();
            long[] classCounts = new long[10];
            Iterator<Row> rows = spark.read().parquet(out.toString()).where("split = '" + split + "'")
                    .orderBy("id").select("label", "pixels").toLocalIterator();
            while (rows.hasNext()) {
                Row row = rows.next();
                pixels.update((byte[]) row.get(1));
                labels.update((byte) row.getInt(0));
                classCounts[row.getInt(0)]++;
            }
            assertEquals(payloadSha(dataDir, files.images().file(), 16), Sha256.hex(pixels), split + " pixels");
            assertEquals(payloadSha(dataDir, files.labels().file(), 8), Sha256.hex(labels), split + " labels");
            long perClass = split.equals("train") ? 6000 : 1000;
            for (long count : classCounts) {
                assertEquals(perClass, count, split + " class counts");
            }
        }
    }

    /** SHA-256 of an IDX file's records: the decompressed content after its header. */
    private static String payloadSha(org.apache.hadoop.fs.Path dir, String file, int headerBytes) {
        try (InputStream in = DataFiles.openContent(new org.apache.hadoop.fs.Path(dir, file))) {
            in.skipNBytes(headerBytes);
            return Sha256.of(in);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
