package org.emnistnet.runtime;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * INDArrays as bytes, copied in bulk: a small header (format, data type, byte order, shape) and the array's
 * elements in C order, straight from and into ND4J's off-heap buffer. ND4J's own format ({@code Nd4j.write})
 * goes through {@code DataOutputStream.writeFloat} element by element; for the ~7 MB of parameters and Adam
 * state that parameter averaging sends each way every round, and every staged minibatch, that was the largest
 * cost left outside the workers' {@code fit}. Arrays this format does not cover (compressed or string arrays,
 * arrays in GPU memory) are written in ND4J's format behind their own marker, as DL4J's serializer would.
 */
public final class NdArrayCodec {
    private static final byte BULK = 1;
    private static final byte ND4J = 2;
    private static final int CHUNK = 1 << 16;

    private NdArrayCodec() {
    }

    public static void write(INDArray array, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        if (!bulkCopyable(array)) {
            out.writeByte(ND4J);
            Nd4j.write(array, out);
            out.flush();
            return;
        }
        INDArray dense = array.isEmpty() || isDenseC(array) ? array : array.dup('c');
        out.writeByte(BULK);
        out.writeUTF(dense.dataType().name());
        out.writeBoolean(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        long[] shape = dense.shape();
        out.writeBoolean(dense.isEmpty());
        out.writeInt(shape.length);
        for (long size : shape) {
            out.writeLong(size);
        }
        if (dense.isEmpty()) {
            out.flush();
            return;
        }
        int elementSize = dense.dataType().width();
        ByteBuffer bytes = dense.data().asNio().duplicate();
        bytes.position((int) (dense.offset() * elementSize)).limit((int) ((dense.offset() + dense.length()) * elementSize));
        byte[] chunk = new byte[Math.min(CHUNK, bytes.remaining())];
        while (bytes.hasRemaining()) {
            int size = Math.min(chunk.length, bytes.remaining());
            bytes.get(chunk, 0, size);
            out.write(chunk, 0, size);
        }
        out.flush();
    }

    public static INDArray read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte format = in.readByte();
        if (format == ND4J) {
            return Nd4j.read(in);
        }
        if (format != BULK) {
            throw new IOException("not an array written by NdArrayCodec: format byte " + format + ", expected " + BULK + " or " + ND4J);
        }
        DataType type = DataType.valueOf(in.readUTF());
        boolean littleEndian = in.readBoolean();
        if (littleEndian != (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN)) {
            throw new IOException("array written on a machine of the other byte order (little-endian: " + littleEndian + ")");
        }
        boolean empty = in.readBoolean();
        long[] shape = new long[in.readInt()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.readLong();
        }
        if (empty) {
            return shape.length == 0 ? Nd4j.empty(type) : Nd4j.create(type, shape);
        }
        INDArray array = Nd4j.createUninitialized(type, shape, 'c');
        ByteBuffer bytes = array.data().asNio().duplicate();
        bytes.position(0).limit((int) (array.length() * type.width()));
        byte[] chunk = new byte[Math.min(CHUNK, bytes.remaining())];
        while (bytes.hasRemaining()) {
            int size = Math.min(chunk.length, bytes.remaining());
            in.readFully(chunk, 0, size);
            bytes.put(chunk, 0, size);
        }
        return array;
    }

    private static boolean bulkCopyable(INDArray array) {
        DataType type = array.dataType();
        return ComputeBackend.hostMemory() && !array.isCompressed() && (type.isNumerical() || type == DataType.BOOL);
    }

    private static boolean isDenseC(INDArray array) {
        return !array.isView() && array.ordering() == 'c' && array.length() == array.data().length();
    }
}
