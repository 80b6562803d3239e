package org.emnistnet.hdfs;

import org.junit.jupiter.api.Tag;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The test HDFS is a real one: Hadoop's client and Spark's Parquet writer both reach it over hdfs://. */
@Tag("hdfs")
class HdfsSmokeTest {
    @RegisterExtension
    static final HdfsExtension HDFS = new HdfsExtension();

    @Test
    void theHadoopClientWritesAndReadsBackAFileOnTwoDataNodes() throws Exception {
        try (FileSystem fs = HDFS.hdfs().fileSystem()) {
            Path file = new Path("/smoke/hello.txt");
            try (var out = fs.create(file)) {
                out.write("hello".getBytes(StandardCharsets.UTF_8));
            }
            try (var in = fs.open(file)) {
                assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(2, fs.getFileStatus(file).getReplication());
        }
        assertEquals(2, HDFS.hdfs().dataNodes());
    }

    @Test
    void sparkWritesAndReadsParquetOnHdfs() {
        SparkSession spark = SparkTestSession.get();
        String path = HDFS.url("/smoke/numbers");
        spark.range(1000).write().parquet(path);
        Dataset<Row> back = spark.read().parquet(path);
        assertEquals(1000, back.count());
    }

    @Test
    void aDataFolderGivenAsAPlainPathIsLookedUpOnTheDefaultFilesystemAndTheErrorSaysHowToNameALocalOne() throws Exception {
        SparkSession spark = SparkTestSession.get();
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        String before = conf.get("fs.defaultFS");
        conf.set("fs.defaultFS", HDFS.uri().toString()); // as for a driver inside YARN's ApplicationMaster
        try {
            java.nio.file.Path out = java.nio.file.Files.createTempDirectory("emnistnet-ingest-out").resolve("raw");
            var error = org.junit.jupiter.api.Assertions.assertThrows(org.emnistnet.InvalidDataException.class,
                    () -> new org.emnistnet.data.IdxIngest(spark).ingest(org.emnistnet.data.DatasetDescriptor.named("fashion-mnist"),
                            new Path("/usr/share/datasets/fashion-mnist"), new Path(out.toUri()), false, false));
            org.assertj.core.api.Assertions.assertThat(error.getMessage())
                    .startsWith(HDFS.uri() + "/usr/share/datasets/fashion-mnist: not a directory")
                    .contains("file:///usr/share/datasets/fashion-mnist");
        } finally {
            conf.set("fs.defaultFS", before);
        }
    }
}
