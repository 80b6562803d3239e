package org.emnistnet.train.paramavg;

import org.emnistnet.runtime.NdArrayCodec;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The file format of staged minibatches ({@link DataSetFiles}): features, labels and the two optional masks, each
 * in {@link NdArrayCodec}'s bulk format. The loader is what dl4j-spark's workers open them with.
 */
final class StagedDataSets {
    private StagedDataSets() {
    }

    static void write(DataSet minibatch, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        for (INDArray array : new INDArray[]{minibatch.getFeatures(), minibatch.getLabels(),
                minibatch.getFeaturesMaskArray(), minibatch.getLabelsMaskArray()}) {
            out.writeBoolean(array != null);
            if (array != null) {
                NdArrayCodec.write(array, out);
            }
        }
        out.flush();
    }

    static DataSet read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        INDArray[] arrays = new INDArray[4];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = in.readBoolean() ? NdArrayCodec.read(in) : null;
        }
        return new DataSet(arrays[0], arrays[1], arrays[2], arrays[3]);
    }

    /** Opens staged files for dl4j-spark's path-based training. */
    static final class Loader implements DataSetLoader {
        @Override
        public DataSet load(Source source) throws IOException {
            try (InputStream in = new BufferedInputStream(source.getInputStream(), 1 << 16)) {
                return read(in);
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot read the staged minibatch " + source.getPath() + ": " + e.getMessage(), e);
            }
        }
    }
}
