package org.emnistnet.model;

import org.deeplearning4j.util.ModelSerializer;
import org.emnistnet.EmnistNetException;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A model file that says how to feed it: the model card (the JSON of {@code model.json}, less the file's own
 * SHA-256, which a file cannot hold) travels inside {@code model.zip} as DL4J's own "object" entry, so
 * {@code ModelSerializer.getObjectFromFile(file, "emnistnet-model-card")} returns it to anyone with DL4J.
 */
public final class ModelZip {
    public static final String CARD_KEY = "emnistnet-model-card";
    /** Where {@link ModelSerializer#addObjectToFile} puts an object. */
    static final String CARD_ENTRY = "objects/" + CARD_KEY;
    /** The entry is a Java-serialised object: read nothing but a String from a file that may come from anywhere. */
    private static final ObjectInputFilter ONLY_STRINGS = ObjectInputFilter.Config.createFilter("java.lang.String;!*");
    /** A model card is a few kilobytes of JSON; an entry that inflates to more is no card (and never fills memory). */
    static final int MAX_CARD_BYTES = 1 << 20;

    private ModelZip() {
    }

    /** {@code zip} with {@code cardJson} added (DL4J's API works on local files: a temporary one, removed after). */
    public static byte[] withCard(byte[] zip, String cardJson) {
        File file = null;
        try {
            file = Files.createTempFile("emnistnet-model-", ".zip").toFile();
            Files.write(file.toPath(), zip);
            ModelSerializer.addObjectToFile(file, CARD_KEY, cardJson);
            return Files.readAllBytes(file.toPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add the model card to the model file", e);
        } finally {
            if (file != null) {
                file.delete();
            }
        }
    }

    /** The model card inside {@code zip}, if it has one (models before this version do not). */
    public static Optional<String> card(String source, byte[] zip) {
        try (ZipInputStream entries = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                if (entry.getName().equals(CARD_ENTRY)) {
                    byte[] card = entries.readNBytes(MAX_CARD_BYTES + 1);
                    if (card.length > MAX_CARD_BYTES) {
                        throw new EmnistNetException(source + ": its " + CARD_ENTRY + " inflates to more than "
                                + (MAX_CARD_BYTES >> 20) + " MiB: not a model card (a few kilobytes of JSON)");
                    }
                    ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(card));
                    in.setObjectInputFilter(ONLY_STRINGS);
                    return Optional.of((String) in.readObject());
                }
            }
            return Optional.empty();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new EmnistNetException(source + ": its " + CARD_ENTRY + " is not a model card (expected a JSON string): " + e, e);
        }
    }
}
