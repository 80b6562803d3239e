package org.emnistnet.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.emnistnet.EmnistNetException;
import org.emnistnet.model.Checksums;
import org.emnistnet.model.ComputeBackend;
import org.emnistnet.model.ModelBytes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code RUN/checkpoints/epoch-NN.zip}: the network with its updater state (Adam's moments) and iteration count
 * after each epoch. A checkpoint is written to a {@code .part} file, renamed, and only then given its
 * {@code .sha256} sidecar: a crash at any point leaves either a complete checkpoint or one without a sidecar,
 * which {@link #latest()} ignores.
 */
public final class CheckpointStore {
    private static final Pattern NAME = Pattern.compile("epoch-(\\d+)\\.zip");
    private final Path directory;

    public CheckpointStore(Path runDirectory) {
        this.directory = runDirectory.resolve("checkpoints");
    }

    public Path fileOf(int epoch) {
        return directory.resolve(String.format("epoch-%02d.zip", epoch));
    }

    /** Saves and returns the checkpoint's SHA-256. */
    public String save(MultiLayerNetwork network, int epoch) {
        Path file = fileOf(epoch);
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try {
            Files.createDirectories(directory);
            ModelSerializer.writeModel(network, part.toFile(), true);
            Files.deleteIfExists(Checksums.sidecarOf(file));
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Checksums.writeSidecar(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    /** The highest epoch with a complete checkpoint (file and sidecar). */
    public Optional<Integer> latest() {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> NAME.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .filter(epoch -> Files.isRegularFile(Checksums.sidecarOf(fileOf(epoch))))
                    .max(Integer::compare);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a checkpoint with its updater state, after checking its SHA-256. */
    public MultiLayerNetwork load(int epoch) {
        ModelBytes checked = ModelBytes.read(fileOf(epoch), null);
        ComputeBackend.configure();
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(checked.bytes()), true);
        } catch (IOException e) {
            throw new EmnistNetException(fileOf(epoch) + ": not a loadable model: " + e.getMessage(), e);
        }
    }
}
