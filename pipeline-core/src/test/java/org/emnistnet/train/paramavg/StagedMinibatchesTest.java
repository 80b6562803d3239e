package org.emnistnet.train.paramavg;

import org.apache.spark.api.java.JavaSparkContext;
import org.emnistnet.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.LocalFileSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** An epoch's minibatches staged as files for the workers, and read back by the workers' loader. */
class StagedMinibatchesTest {
    @TempDir
    Path temp;

    @Test
    void minibatchesAreStagedInEpochOrderAndReadBackUnchanged() throws IOException {
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        List<DataSet> minibatches = IntStream.range(0, 5).mapToObj(StagedMinibatchesTest::minibatch).toList();
        String directory = temp.resolve("export").resolve("epoch-1").toUri().toString();

        List<String> paths = DataSetFiles.write(spark, spark.parallelize(minibatches, 2), directory).collect();

        assertEquals(5, paths.size());
        assertThat(paths).isSorted(); // part-<partition>-<position>: the epoch's order
        for (int i = 0; i < paths.size(); i++) {
            DataSet read = new StagedDataSets.Loader().load(new LocalFileSource(Paths.get(URI.create(paths.get(i))).toString()));
            assertEquals(minibatches.get(i).getFeatures(), read.getFeatures());
            assertEquals(minibatches.get(i).getLabels(), read.getLabels());
            assertNull(read.getFeaturesMaskArray());
        }

        DataSetFiles.delete(spark, directory);
        assertThat(temp.resolve("export").resolve("epoch-1")).doesNotExist();
    }

    @Test
    void masksAreKept() throws IOException {
        DataSet masked = minibatch(1);
        masked.setLabelsMaskArray(Nd4j.ones(DataType.FLOAT, 4, 1));
        Path file = temp.resolve("masked.bin");
        try (var out = Files.newOutputStream(file)) {
            StagedDataSets.write(masked, out);
        }
        DataSet read = new StagedDataSets.Loader().load(new LocalFileSource(file.toString()));
        assertEquals(masked.getLabelsMaskArray(), read.getLabelsMaskArray());
        assertNull(read.getFeaturesMaskArray());
    }

    @Test
    void aTruncatedStagedFileIsRefusedWithItsPath() throws IOException {
        Path file = temp.resolve("truncated.bin");
        try (var out = Files.newOutputStream(file)) {
            StagedDataSets.write(minibatch(2), out);
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertThatThrownBy(() -> new StagedDataSets.Loader().load(new LocalFileSource(file.toString())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("truncated.bin");
    }

    private static DataSet minibatch(int seed) {
        Nd4j.getRandom().setSeed(seed);
        return new DataSet(Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28), Nd4j.eye(4).castTo(DataType.FLOAT));
    }
}
