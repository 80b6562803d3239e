package org.emnistnet.runtime;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Registers {@link NdArrayCodec}'s bulk format as Kryo's serializer for ND4J's arrays. List it after ND4J's own
 * registrator, which it overrides for arrays only:
 * {@code spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator,org.emnistnet.runtime.NdArrayKryoRegistrator}.
 */
public final class NdArrayKryoRegistrator implements KryoRegistrator {
    /** The value of {@code spark.kryo.registrator} every EMNISTNet Spark session uses. */
    public static final String REGISTRATORS = "org.nd4j.kryo.Nd4jRegistrator," + NdArrayKryoRegistrator.class.getName();

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new BulkSerializer());
    }

    static final class BulkSerializer extends Serializer<INDArray> {
        @Override
        public void write(Kryo kryo, Output output, INDArray array) {
            try {
                NdArrayCodec.write(array, output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
            try {
                return NdArrayCodec.read(input);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
