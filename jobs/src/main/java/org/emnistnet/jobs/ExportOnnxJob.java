package org.emnistnet.jobs;

import org.apache.hadoop.fs.Path;
import org.emnistnet.EmnistNetException;
import org.emnistnet.UsageException;
import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.artifact.RunDirectory;
import org.emnistnet.model.OnnxModelFile;
import org.emnistnet.model.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * Export ONNX: writes a trained model as an ONNX file (BatchNorm folded, input {@code image} float (n, 1, 28, 28)
 * in [0, 1], output class probabilities, the model card in its metadata) with a SHA-256 sidecar. Written as the
 * {@code model.onnx} beside the model's {@code model.json}, the card records it and scoring with the ONNX engine
 * serves it. Training writes it itself; this job exports models trained before that, or to another place.
 * No Spark session: it reads and writes through Hadoop's FileSystem (any URI).
 * <pre>bin/emnistnet export-onnx --model models/fashion-mnist/model.zip [--out models/fashion-mnist/model.onnx]</pre>
 */
@Command(name = "export-onnx", mixinStandardHelpOptions = true, description = "Export a trained model as ONNX.")
public final class ExportOnnxJob implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M.zip")
    String model;

    @Option(names = "--out", paramLabel = "M.onnx", description = "Default: model.onnx beside the model.")
    String out;

    @Option(names = "--overwrite", description = "Replace an existing ONNX export of emnistnet (never another file).")
    boolean overwrite;

    public static void main(String[] args) {
        JobRunner.main(new ExportOnnxJob(), args);
    }

    @Override
    public Integer call() {
        Path modelZip = HadoopFiles.qualified(model);
        Path target = out == null ? new Path(modelZip.getParent(), RunDirectory.MODEL_ONNX) : HadoopFiles.qualified(out);
        if (target.equals(modelZip)) {
            throw new UsageException("--out " + target + " is the model file itself");
        }
        if (AtomicFiles.exists(target)) {
            if (!overwrite) {
                throw new EmnistNetException(target + " already exists (pass --overwrite to replace an earlier export)");
            }
            if (!OnnxModelFile.isOurs(target)) {
                throw new UsageException("--overwrite " + target + ": not an ONNX export of emnistnet, so it is left alone");
            }
        }
        TrainedModel trained = TrainedModel.load(modelZip, false);
        String sha = OnnxModelFile.export(trained, modelZip, target);
        System.out.printf("export-onnx: %s -> %s (sha256 %s)%n", modelZip, target, sha);
        return 0;
    }
}
