package org.emnistnet.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.emnistnet.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What real Spark failures become for the user: one line naming the file, or nothing when it is a bug. */
class InputFailuresTest {
    @TempDir
    Path tmp;

    @Test
    void aParquetFileThatVanishesAfterTheJobListedItIsNamedAsGoneNotAsABug() throws Exception {
        Path input = tmp.resolve("in");
        SparkTestSession.get().range(100).repartition(2).write().parquet(input.toString());
        Dataset<Row> rows = SparkTestSession.get().read().parquet(input.toString()); // lists the files now
        Path part;
        try (var files = Files.list(input)) {
            part = files.filter(file -> file.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Files.delete(part); // another job replaced the input meanwhile
        Exception failure = assertThrows(Exception.class, rows::count);

        String line = InputFailures.describe(failure).orElseThrow(() -> new AssertionError("not recognised", failure));
        System.out.println(line);
        assertThat(line).contains(part.getFileName().toString())
                .contains("vanished while the job read it").doesNotContain("\n");
    }
}
