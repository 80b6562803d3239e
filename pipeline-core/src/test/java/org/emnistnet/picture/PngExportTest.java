package org.emnistnet.picture;

import org.emnistnet.data.PreparedDataset;
import org.emnistnet.data.Split;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.EmnistNetException;
import org.emnistnet.SparkTestSession;
import org.emnistnet.data.ImageSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** export-png never trusts ids as file names and never writes outside or over its --out. */
class PngExportTest {
    private final SparkSession spark = SparkTestSession.get();
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void plainIdsKeepTheirNameAndOthersGetASafeUniqueOne() {
        assertEquals("test-000001.png", PngExport.fileName("test-000001"));
        for (String hostile : List.of("../escape", "a/b", ".hidden", "_skipped", "", "new\nline")) {
            String name = PngExport.fileName(hostile);
            assertThat(name).as(hostile).startsWith("id-").endsWith(".png").doesNotContain("/", "\n").doesNotStartWith(".");
        }
        assertThat(PngExport.fileName("a/b")).isNotEqualTo(PngExport.fileName("a_b")).isNotEqualTo(PngExport.fileName("a?b"));
    }

    @Test
    void writesOneFilePerRowInsideOutOnlyAndRefusesAnExistingFolder() throws Exception {
        java.nio.file.Path prepared = tmp.resolve("data/prepared");
        spark.createDataFrame(List.of(RowFactory.create("../../escape", "test", 1, new byte[784]),
                        RowFactory.create("test-000002", "test", 0, new byte[784]),
                        RowFactory.create("test-000003", "train", 0, new byte[784])), ImageSchema.RAW)
                .write().partitionBy(ImageSchema.SPLIT).parquet(prepared.toString());
        Files.writeString(prepared.resolve("_manifest.json"), "{\"stage\": \"prepare\", \"dataset\": \"tiny\","
                + " \"rows\": {\"test\": 2, \"train\": 1}, \"class_names\": [\"a\", \"b\"]}");
        java.nio.file.Path out = tmp.resolve("data/pngs");
        PreparedDataset data = PreparedDataset.at(prepared.toString());

        assertEquals(2, PngExport.export(spark, data, Split.TEST, new Path(out.toString()), 0, false));
        try (Stream<java.nio.file.Path> files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".png")))
                    .hasSize(2).contains("test-000002.png");
        }
        assertFalse(Files.exists(tmp.resolve("escape.png")));
        assertFalse(Files.exists(tmp.resolve("data/escape.png")));
        assertThrows(EmnistNetException.class,
                () -> PngExport.export(spark, data, Split.TEST, new Path(out.toString()), 0, false));
        assertThat(out.resolve("test-000002.png")).exists();
    }
}
