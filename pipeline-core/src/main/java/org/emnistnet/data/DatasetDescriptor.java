package org.emnistnet.data;

import org.emnistnet.InvalidDataException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Everything that distinguishes one IDX dataset from another, so that a new dataset is a JSON file in
 * {@code org/emnistnet/data/datasets/}, not code.
 *
 * @param name            the name users pass to {@code --dataset}
 * @param classNames      class names in 0-based label order
 * @param labelBase       the value the IDX label file uses for class 0 (EMNIST letters: 1)
 * @param transposed      true when images are stored transposed (EMNIST) and need the orientation fix
 * @param imageFileRecipe how an ordinary image file becomes an input ("emnist" or "whole-image" in the JSON)
 * @param defaultDataDir  where the IDX files are found when {@code --data} is not given
 * @param howToGet        the command that installs or downloads the files, quoted in errors
 * @param splits          "train" and "test" files
 * @param archive         where {@code fetch} downloads the files from, or null when they come another way
 */
public record DatasetDescriptor(String name, String description, List<String> classNames, int labelBase,
                                boolean transposed, org.emnistnet.artifact.ImageFileRecipe imageFileRecipe, String defaultDataDir, String howToGet,
                                Map<String, SplitFiles> splits, ArchiveSource archive) implements Serializable {

    /** Names of the datasets this build knows. */
    public static final List<String> KNOWN = List.of("emnist-letters", "fashion-mnist");

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public int numClasses() {
        return classNames.size();
    }

    /**
     * The descriptor of a known dataset, or of a descriptor JSON file when {@code nameOrFile} ends in .json (a
     * third IDX dataset needs no code); anything else is an error that lists the known names.
     */
    public static DatasetDescriptor named(String nameOrFile) {
        if (nameOrFile.endsWith(".json")) {
            java.nio.file.Path file = java.nio.file.Path.of(nameOrFile);
            try (InputStream in = java.nio.file.Files.newInputStream(file)) {
                return JSON.readValue(in, DatasetDescriptor.class);
            } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
                throw new InvalidDataException(file + ": not a usable dataset descriptor: " + (e.getCause() != null
                        ? e.getCause().getMessage() : e.getOriginalMessage()), e);
            } catch (IOException e) {
                throw new InvalidDataException(file + ": not a readable dataset descriptor: " + e.getMessage(), e);
            }
        }
        String name = nameOrFile;
        String resource = "/org/emnistnet/data/datasets/" + name + ".json";
        try (InputStream in = DatasetDescriptor.class.getResourceAsStream(resource)) {
            if (in == null || !KNOWN.contains(name)) {
                throw new InvalidDataException("unknown dataset '" + name + "': expected one of " + KNOWN);
            }
            return JSON.readValue(in, DatasetDescriptor.class);
        } catch (IOException e) {
            throw new InvalidDataException("cannot read the descriptor of dataset '" + name + "': " + e.getMessage(), e);
        }
    }
}
