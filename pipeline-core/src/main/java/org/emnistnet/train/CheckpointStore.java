package org.emnistnet.train;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.artifact.Sidecars;
import org.emnistnet.runtime.ComputeBackend;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code RUN/checkpoints/epoch-NN.zip}: the network with its updater state (Adam's moments) and iteration count
 * after each epoch, on the run's filesystem. A checkpoint is written atomically and only then given its
 * {@code .sha256} sidecar: a crash at any point leaves either a complete checkpoint or one without a sidecar,
 * which {@link #latest()} ignores.
 */
public final class CheckpointStore {
    private static final Pattern NAME = Pattern.compile("epoch-(\\d+)\\.zip");
    private final Path directory;

    public CheckpointStore(RunDirectory run) {
        this.directory = run.checkpoints();
    }

    public Path fileOf(int epoch) {
        return new Path(directory, String.format("epoch-%02d.zip", epoch));
    }

    /** The moving average of the weights after {@code epoch} (parameters only), when the recipe keeps one. */
    public Path averagedFileOf(int epoch) {
        return new Path(directory, String.format("averaged-%02d.zip", epoch));
    }

    /** Saves and returns the checkpoint's SHA-256. */
    public String save(MultiLayerNetwork network, int epoch) {
        return write(network, true, fileOf(epoch));
    }

    /** Saves the averaged weights of {@code epoch} (written before the epoch's checkpoint, which marks it done). */
    public String saveAveraged(MultiLayerNetwork averaged, int epoch) {
        return write(averaged, false, averagedFileOf(epoch));
    }

    private static String write(MultiLayerNetwork network, boolean withUpdater, Path file) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 23);
        try {
            ModelSerializer.writeModel(network, bytes, withUpdater);
        } catch (IOException e) {
            throw new EmnistNetException("cannot serialise " + file + ": " + e.getMessage(), e);
        }
        return Sidecars.writeWithSidecar(file, bytes.toByteArray());
    }

    /** The highest epoch with a complete checkpoint (file and sidecar). */
    public Optional<Integer> latest() {
        FileStatus[] files;
        try {
            files = HadoopFiles.fileSystem(directory).listStatus(directory);
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new EmnistNetException("cannot list the checkpoints in " + directory + ": " + e.getMessage(), e);
        }
        return Arrays.stream(files).map(f -> NAME.matcher(f.getPath().getName()))
                .filter(Matcher::matches)
                .map(m -> Integer.parseInt(m.group(1)))
                .filter(epoch -> Sidecars.hasSidecar(fileOf(epoch)))
                .max(Integer::compare);
    }

    /** Loads a checkpoint with its updater state, after checking its SHA-256. */
    public MultiLayerNetwork load(int epoch) {
        return read(fileOf(epoch), true);
    }

    /**
     * The checkpoint a resume continues from. One that cannot be loaded (truncated by a full disk, damaged) is
     * refused, and the error says how to resume from the one before instead of starting over.
     */
    public MultiLayerNetwork loadToResume(int epoch) {
        try {
            return load(epoch);
        } catch (EmnistNetException e) {
            throw new EmnistNetException(e.getMessage() + "; " + (epoch > 1
                    ? "to resume from epoch " + (epoch - 1) + " instead (epoch " + epoch + " is trained again), move "
                    + fileOf(epoch).getName() + " and " + Sidecars.sidecarOf(fileOf(epoch)).getName() + " out of " + directory
                    : "it is the first epoch's: train again into a new " + org.emnistnet.Parameter.RUN), e);
        }
    }

    public MultiLayerNetwork loadAveraged(int epoch) {
        return read(averagedFileOf(epoch), false);
    }

    private static MultiLayerNetwork read(Path file, boolean withUpdater) {
        byte[] checked = Sidecars.readVerified(file, null);
        ComputeBackend.configure();
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(checked), withUpdater);
        } catch (IOException | RuntimeException e) {
            throw new EmnistNetException(file + ": not a loadable model: " + e.getMessage(), e);
        }
    }
}
