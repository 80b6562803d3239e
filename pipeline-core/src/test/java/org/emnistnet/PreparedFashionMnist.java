package org.emnistnet;

import org.apache.hadoop.fs.Path;
import org.emnistnet.data.DatasetDescriptor;
import org.emnistnet.data.IdxIngest;
import org.emnistnet.transform.Preparation;

/** Real Fashion-MNIST, ingested and prepared once per test JVM (about 15 s) for the stages that follow. */
public final class PreparedFashionMnist {
    private static String prepared;

    private PreparedFashionMnist() {
    }

    public static synchronized String path() {
        if (prepared == null) {
            java.nio.file.Path dir = JvmTempDirectory.create("emnistnet-prepared");
            Path raw = new Path(dir.resolve("raw").toString());
            new IdxIngest(SparkTestSession.get()).ingest(DatasetDescriptor.named("fashion-mnist"),
                    new Path(FashionMnist.dir().toString()), raw, false, false);
            Path out = new Path(dir.resolve("prepared").toString());
            new Preparation(SparkTestSession.get()).prepare(raw, out, 0.1, 42, false);
            prepared = out.toString();
        }
        return prepared;
    }
}
