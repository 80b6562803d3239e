package org.emnistnet.hdfs;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real HDFS (NameNode + 2 DataNodes on 127.0.0.1, ephemeral ports, a temporary base directory) for one test
 * class: register it as a static field with {@code @RegisterExtension} and use {@link #uri()}.
 */
public final class HdfsExtension implements BeforeAllCallback, AfterAllCallback {
    private LocalHdfs hdfs;
    private Path baseDirectory;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        baseDirectory = Files.createTempDirectory("emnistnet-hdfs");
        hdfs = LocalHdfs.start(baseDirectory, 2, true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (hdfs != null) {
            hdfs.close();
        }
        try {
            org.apache.commons.io.FileUtils.deleteDirectory(baseDirectory.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri() {
        return hdfs.uri();
    }

    /** {@code hdfs://127.0.0.1:PORT/path}. */
    public String url(String path) {
        return hdfs.uri() + (path.startsWith("/") ? path : "/" + path);
    }

    public LocalHdfs hdfs() {
        return hdfs;
    }
}
