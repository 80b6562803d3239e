package org.emnistnet.artifact;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/**
 * How an ordinary image file becomes a model input, as a dataset was made: recorded by ingest from the dataset's
 * descriptor and carried through the manifests into every model card, so serving never guesses it.
 */
public enum ImageFileRecipe {
    /** As the EMNIST paper built its images from NIST scans: blur, crop to the ink, centre, 2-pixel border. */
    EMNIST("emnist"),
    /** The whole image scaled to 28x28 (Fashion-MNIST). */
    WHOLE_IMAGE("whole-image");

    private final String id;

    ImageFileRecipe(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** The recipe named {@code id} in a descriptor, manifest or model card. */
    @JsonCreator
    public static ImageFileRecipe of(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown image file recipe '" + id + "' (expected " + Arrays.stream(values()).map(ImageFileRecipe::id).toList() + ")"));
    }

    @Override
    public String toString() {
        return id;
    }
}
