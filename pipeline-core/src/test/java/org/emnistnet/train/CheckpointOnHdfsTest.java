package org.emnistnet.train;

import org.junit.jupiter.api.Tag;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.EmnistNetException;
import org.emnistnet.TinyModel;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.hdfs.LocalHdfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A checkpoint on HDFS while DataNodes are lost: it is complete (every byte, its sidecar, loadable) or absent (no
 * file under its name, no temporary left, the run resumes from the one before), never half.
 */
@Tag("hdfs")
class CheckpointOnHdfsTest {
    @TempDir
    java.nio.file.Path base;
    private LocalHdfs hdfs;
    private CheckpointStore checkpoints;
    private final MultiLayerNetwork network = TinyModel.network();

    @BeforeEach
    void aRunWithOneCheckpoint() {
        hdfs = LocalHdfs.start(base, 2, true); // two DataNodes, two copies of every block
        checkpoints = new CheckpointStore(RunDirectory.at(hdfs.uri() + "/runs/r"));
        checkpoints.save(network, 1);
    }

    @AfterEach
    void stop() {
        hdfs.close();
    }

    @Test
    void withOneOfTwoDataNodesLostTheCheckpointIsWrittenWholeToTheOther() {
        hdfs.stopDataNode(0);

        checkpoints.save(network, 2);

        assertEquals(Optional.of(2), checkpoints.latest());
        assertEquals(network.params(), checkpoints.load(2).params(), "read back whole, its SHA-256 checked");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void withEveryDataNodeLostTheCheckpointIsAbsentAndTheRunResumesFromTheOneBefore() {
        var first = hdfs.stopDataNode(0);
        var second = hdfs.stopDataNode(0);

        assertThatThrownBy(() -> checkpoints.save(network, 2)).isInstanceOf(EmnistNetException.class)
                .hasMessageContaining("cannot write").hasMessageContaining("epoch-02.zip");

        assertEquals(Optional.of(1), checkpoints.latest(), "resume continues after epoch 1");
        assertThat(names()).containsExactlyInAnyOrder("epoch-01.zip", "epoch-01.zip.sha256");
        hdfs.restartDataNodes(first, second);
        checkpoints.save(network, 2);                    // the next attempt, once HDFS has DataNodes again
        assertEquals(Optional.of(2), checkpoints.latest());
        assertEquals(network.params(), checkpoints.load(2).params());
    }

    private List<String> names() {
        try (FileSystem fs = hdfs.fileSystem()) {
            return Arrays.stream(fs.listStatus(new Path("/runs/r/checkpoints"))).map(FileStatus::getPath).map(Path::getName).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Temporaries of an atomic write (".epoch-NN.zip.part-..."). */
    private List<String> leftovers() {
        return names().stream().filter(name -> name.startsWith(".")).toList();
    }
}
