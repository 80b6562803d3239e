import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emnistnet.model.EmnistNet;
import org.emnistnet.model.OneCycleSchedule;
import org.emnistnet.model.TrainingRecipe;
import org.emnistnet.runtime.ComputeThreads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Does ND4J's own thread count for its element-wise and custom ops (Adam, weight decay, ...) matter? Alternates
 * ND4J's default and 1 thread inside one JVM (this machine's speed differs by up to 20 % between JVMs), 10 fits per
 * round. "one": one EMNISTNet fitting 256 images on all cores. "two": two networks fitting 128 each at once, each
 * on a thread limited to one core, as two parameter-averaging workers on local[2].
 *   bench/java.sh Nd4jThreads one|two
 */
public class Nd4jThreads {
    public static void main(String[] args) throws Exception {
        boolean two = args.length > 0 && args[0].equals("two");
        var environment = Nd4j.getEnvironment();
        int defaultThreads = environment.maxThreads();
        int workers = two ? 2 : 1;
        int batch = 256 / workers;
        List<MultiLayerNetwork> networks = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            networks.add(EmnistNet.create(26, TrainingRecipe.reference(), new OneCycleSchedule(3e-3, 10_000, 0.3, 25, 1e4)));
        }
        DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28),
                Nd4j.eye(26).getRows(new Random(1).ints(batch, 0, 26).toArray()).castTo(DataType.FLOAT));
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        for (int round = 0; round < 10; round++) {
            int nd4jThreads = round % 2 == 0 ? defaultThreads : 1;
            environment.setMaxThreads(nd4jThreads);
            environment.setMaxMasterThreads(nd4jThreads);
            long start = System.nanoTime();
            List<Future<?>> fits = new ArrayList<>();
            for (MultiLayerNetwork network : networks) {
                fits.add(threads.submit(() -> {
                    if (two) {
                        ComputeThreads.limitCurrentThread(1);
                    }
                    for (int i = 0; i < 10; i++) {
                        network.fit(data);
                    }
                }));
            }
            for (Future<?> fit : fits) {
                fit.get();
            }
            if (round >= 2) { // rounds 0 and 1 warm up
                System.out.printf("%s, ND4J threads %d: %.0f images/s%n", two ? "two single-core networks" : "one network",
                        nd4jThreads, 10.0 * 256 / ((System.nanoTime() - start) / 1e9));
            }
        }
        threads.shutdown();
    }
}
