package org.emnistnet.runtime;


import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.reflect.ClassTag$;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ND4J arrays written in bulk and read back: same type, shape and values, whatever the array's layout. */
class NdArrayCodecTest {

    @Test
    void denseFloatArraysRoundTripBitForBitAndCostTheirBytesPlusAHeader() throws IOException {
        Nd4j.getRandom().setSeed(7);
        INDArray parameters = Nd4j.rand(DataType.FLOAT, 589_242);
        byte[] bytes = written(parameters);
        assertThat(bytes.length).isBetween(589_242 * 4, 589_242 * 4 + 64);
        INDArray read = NdArrayCodec.read(new ByteArrayInputStream(bytes));
        assertEquals(DataType.FLOAT, read.dataType());
        assertArrayEquals(parameters.shape(), read.shape());
        assertArrayEquals(parameters.toFloatVector(), read.toFloatVector());
    }

    @Test
    void viewsAndFortranOrderedArraysAreReadBackAsTheirValuesInCOrder() throws IOException {
        INDArray matrix = Nd4j.linspace(DataType.FLOAT, 1, 30, 1).reshape('c', 6, 5);
        INDArray rowsView = matrix.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()); // offset into the buffer
        INDArray columnsView = matrix.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)); // strided
        INDArray fortran = matrix.dup('f');
        for (INDArray array : new INDArray[]{rowsView, columnsView, fortran}) {
            INDArray read = roundTrip(array);
            assertArrayEquals(array.shape(), read.shape());
            assertEquals(array, read);
            assertEquals('c', read.ordering());
        }
    }

    @Test
    void everyNumericTypeAndScalarsRoundTrip() throws IOException {
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT, DataType.HALF, DataType.LONG, DataType.INT,
                DataType.SHORT, DataType.BYTE, DataType.UBYTE, DataType.BOOL}) {
            INDArray array = Nd4j.linspace(DataType.DOUBLE, 0, 24, 1).reshape(2, 3, 4).castTo(type);
            INDArray read = roundTrip(array);
            assertEquals(type, read.dataType(), type.name());
            assertEquals(array, read, type.name());
        }
        assertEquals(Nd4j.scalar(2.5f), roundTrip(Nd4j.scalar(2.5f)));
    }

    @Test
    void emptyArraysKeepTheirTypeAndShape() throws IOException {
        INDArray read = roundTrip(Nd4j.empty(DataType.FLOAT));
        assertThat(read.isEmpty()).isTrue();
        assertEquals(DataType.FLOAT, read.dataType());
        INDArray noRows = roundTrip(Nd4j.create(DataType.INT, 0, 3));
        assertThat(noRows.isEmpty()).isTrue();
        assertArrayEquals(new long[]{0, 3}, noRows.shape());
    }

    @Test
    void bytesThatAreNotAnArrayAreRefused() {
        assertThatThrownBy(() -> NdArrayCodec.read(new ByteArrayInputStream(new byte[]{42, 0, 0})))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format byte 42");
    }

    @Test
    void sparksKryoSerializerUsesTheBulkFormatWhenItsRegistratorFollowsNd4js() {
        SparkConf conf = new SparkConf().set("spark.kryo.registrator", NdArrayKryoRegistrator.REGISTRATORS);
        KryoSerializer serializer = new KryoSerializer(conf);
        Kryo kryo = serializer.newKryo();
        assertThat(kryo.getSerializer(Nd4j.getBackend().getNDArrayClass())).isInstanceOf(NdArrayKryoRegistrator.BulkSerializer.class);

        SerializerInstance instance = serializer.newInstance();
        INDArray updaterState = Nd4j.rand(DataType.FLOAT, 2, 589_242);
        ByteBuffer bytes = instance.serialize(updaterState, ClassTag$.MODULE$.apply(INDArray.class));
        assertThat(bytes.remaining()).isLessThan(2 * 589_242 * 4 + 256);
        INDArray read = instance.deserialize(bytes, ClassTag$.MODULE$.apply(INDArray.class));
        assertEquals(updaterState, read);
    }

    private static INDArray roundTrip(INDArray array) throws IOException {
        return NdArrayCodec.read(new ByteArrayInputStream(written(array)));
    }

    private static byte[] written(INDArray array) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NdArrayCodec.write(array, out);
        return out.toByteArray();
    }
}
