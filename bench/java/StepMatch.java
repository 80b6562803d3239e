import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.train.ReplicaFit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * DL4J's side of a step-by-step comparison with PyTorch (bench/step_match.py runs the other side): EMNISTNet from its
 * seed, no dropout, trained one plain DL4J step at a time (one thread, no Spark) on the first Fashion-MNIST training
 * images in file order, no augmentation. Writes the initial and final parameters (float32, little-endian, DL4J's
 * order) and each step's data loss (score minus the weight-decay penalty at the weights the step started from).
 * With a replica count, each step is {@link ReplicaFit}'s (the minibatch split over single-core replicas, as the
 * default training path) instead of DL4J's plain {@code fit}.
 *   bench/java.sh StepMatch <steps> <scheduleSteps> <outDir> [replicas]
 */
public class StepMatch {
    private static final String DATA = "/usr/share/datasets/fashion-mnist/";

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        int scheduleSteps = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        int replicas = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Files.createDirectories(out);
        int batch = 256, classes = 10;
        byte[] images = idx(DATA + "train-images-idx3-ubyte.gz", 16);
        byte[] labels = idx(DATA + "train-labels-idx1-ubyte.gz", 8);
        TrainingRecipe recipe = TrainingRecipe.builder().dropout(new double[]{0, 0, 0, 0}).build();
        MultiLayerNetwork net = new MultiLayerNetwork(
                EmnistNet.configuration(classes, recipe, OneCycleSchedule.of(recipe, scheduleSteps)));
        net.init();
        write(net.params(), out.resolve("init.bin"));
        ReplicaFit replicaFit = replicas > 0 ? new ReplicaFit(net, replicas, recipe.seed()) : null;
        StringBuilder losses = new StringBuilder();
        for (int s = 0; s < steps; s++) {
            float[] x = new float[batch * 784];
            float[] y = new float[batch * classes];
            java.util.Arrays.fill(y, (float) (0.1 / classes));
            for (int i = 0; i < batch; i++) {
                int image = s * batch + i;
                for (int p = 0; p < 784; p++) {
                    x[i * 784 + p] = (images[image * 784 + p] & 0xff) / 255f;
                }
                y[i * classes + labels[image]] = (float) (1 - 0.1 + 0.1 / classes);
            }
            DataSet data = new DataSet(Nd4j.create(x, new long[]{batch, 1, 28, 28}, 'c'),
                    Nd4j.create(y, new long[]{batch, classes}, 'c'));
            double penalty = net.calcRegularizationScore(true);
            if (replicaFit != null) {
                replicaFit.fit(data);
            } else {
                net.fit(data);
            }
            losses.append(s).append(' ').append(net.score() - penalty).append('\n');
            if (s == 0) {
                write(net.params(), out.resolve("step1.bin"));
            }
        }
        write(net.params(), out.resolve("final.bin"));
        Files.writeString(out.resolve("dl4j_losses.txt"), losses);
        if (replicaFit != null) {
            replicaFit.close();
        }
        System.out.print(losses);
    }

    private static byte[] idx(String file, int header) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(new FileInputStream(file)))) {
            in.skipNBytes(header);
            return in.readAllBytes();
        }
    }

    private static void write(INDArray params, Path file) throws IOException {
        float[] values = params.dup().data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }
}
