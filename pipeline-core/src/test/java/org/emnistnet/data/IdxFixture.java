package org.emnistnet.data;

import org.emnistnet.artifact.Sha256;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Builds small, real IDX datasets on disk for tests, and the descriptor that matches them. Every image is
 * random noise except byte 0, which encodes the record index, so tests can tell records apart.
 */
final class IdxFixture {
    static final List<String> CLASSES = List.of("a", "b", "c");
    static final int LABEL_BASE = 1;

    final Path dir;
    final Map<String, byte[]> images = new LinkedHashMap<>();
    final Map<String, byte[]> labels = new LinkedHashMap<>();

    IdxFixture(Path dir, int trainCount, int testCount) throws IOException {
        this.dir = dir;
        Random random = new Random(7);
        for (var split : Map.of("train", trainCount, "test", testCount).entrySet()) {
            byte[] pixels = new byte[split.getValue() * 784];
            random.nextBytes(pixels);
            byte[] labelBytes = new byte[split.getValue()];
            for (int i = 0; i < labelBytes.length; i++) {
                pixels[i * 784] = (byte) i;
                labelBytes[i] = (byte) (LABEL_BASE + i % CLASSES.size());
            }
            images.put(split.getKey(), idx(IdxHeader.IMAGES_MAGIC, new int[]{split.getValue(), 28, 28}, pixels));
            labels.put(split.getKey(), idx(IdxHeader.LABELS_MAGIC, new int[]{split.getValue()}, labelBytes));
        }
        writeAll();
    }

    static String imagesFile(String split) {
        return split + "-images-idx3-ubyte.gz";
    }

    static String labelsFile(String split) {
        return split + "-labels-idx1-ubyte.gz";
    }

    void writeAll() throws IOException {
        for (String split : images.keySet()) {
            writeGzip(dir.resolve(imagesFile(split)), images.get(split));
            writeGzip(dir.resolve(labelsFile(split)), labels.get(split));
        }
    }

    /** The descriptor of this fixture, with the payload SHA-256 of the files as first written. */
    DatasetDescriptor descriptor() {
        Map<String, SplitFiles> splits = new LinkedHashMap<>();
        for (String split : List.of("train", "test")) {
            int count = labels.get(split).length - 8;
            splits.put(split, new SplitFiles(
                    new IdxFileSpec(imagesFile(split), count, Sha256.of(images.get(split))),
                    new IdxFileSpec(labelsFile(split), count, Sha256.of(labels.get(split)))));
        }
        return new DatasetDescriptor("tiny", "test fixture", CLASSES, LABEL_BASE, true, org.emnistnet.artifact.ImageFileRecipe.EMNIST,
                dir.toString(), "the test fixture", splits, null);
    }

    static byte[] idx(int magic, int[] dimensions, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int dimension : dimensions) {
            out.writeInt(dimension);
        }
        out.write(payload);
        return bytes.toByteArray();
    }

    static void writeGzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }
}
