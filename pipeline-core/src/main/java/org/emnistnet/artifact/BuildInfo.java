package org.emnistnet.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of the project and of the engines it runs on, recorded in every manifest and model for provenance. */
public final class BuildInfo {
    private static final Properties PROPERTIES = load();

    private BuildInfo() {
    }

    /** {"emnistnet": ..., "spark": ..., "dl4j": ..., "java": ...}: the versions this code was built against. */
    public static Map<String, String> versions() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("emnistnet", PROPERTIES.getProperty("emnistnet.version"));
        versions.put("spark", PROPERTIES.getProperty("spark.version"));
        versions.put("dl4j", PROPERTIES.getProperty("dl4j.version"));
        versions.put("nd4j_backend", PROPERTIES.getProperty("nd4j.backend") + ":" + PROPERTIES.getProperty("nd4j.classifier"));
        versions.put("java", System.getProperty("java.version"));
        return versions;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/org/emnistnet/build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
