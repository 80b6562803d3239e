package org.emnistnet.ml;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emnistnet.data.ImageFileDecoder;
import org.emnistnet.data.ImageSchema;
import org.emnistnet.InvalidDataException;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * The image columns EmnistNetModel takes, and how each becomes the network's 784 bytes:
 * <ul>
 *   <li>{@code binary}: 784 bytes, 28x28 row-major, ink bright on dark (the prepared data's {@code pixels});</li>
 *   <li>Spark's {@code image} struct ({@code spark.read().format("image")}): any size, 1, 3 or 4 channels (BGR(A),
 *   as Spark stores them), to grey and 28x28 by the whole-image recipe of image files (ink made bright on dark);</li>
 *   <li>an ML {@code Vector} of 784 intensities in 0..255 (e.g. from {@code VectorAssembler}).</li>
 * </ul>
 */
enum FeatureColumn {
    BYTES, IMAGE, VECTOR;

    private static final ImageFileDecoder WHOLE_IMAGE = new ImageFileDecoder(org.emnistnet.artifact.ImageFileRecipe.WHOLE_IMAGE);

    static FeatureColumn of(String stage, StructType schema, String name) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidDataException(stage + ": input column '" + name + "' is missing (the images); the data has "
                    + Arrays.toString(schema.fieldNames()));
        }
        DataType type = schema.apply(name).dataType();
        if (type.equals(DataTypes.BinaryType)) {
            return BYTES;
        }
        // by field names: the image source's nullability differs from ImageSchema.columnSchema()'s
        if (type instanceof StructType struct
                && Arrays.equals(struct.fieldNames(), org.apache.spark.ml.image.ImageSchema.columnSchema().fieldNames())) {
            return IMAGE;
        }
        if (type.equals(SQLDataTypes.VectorType())) {
            return VECTOR;
        }
        throw new InvalidDataException(stage + ": column '" + name + "' has type " + type.simpleString()
                + ", expected binary (784 bytes), Spark's image struct or a vector of 784 values");
    }

    /** The model input of one cell of this column. */
    byte[] pixels(Object value) {
        return switch (this) {
            case BYTES -> checkedLength((byte[]) value);
            case IMAGE -> WHOLE_IMAGE.toModelInput(grey((Row) value));
            case VECTOR -> fromVector((Vector) value);
        };
    }

    private static byte[] checkedLength(byte[] pixels) {
        if (pixels.length != ImageSchema.PIXEL_COUNT) {
            throw new InvalidDataException("an image of " + pixels.length + " bytes, expected " + ImageSchema.PIXEL_COUNT + " (28x28)");
        }
        return pixels;
    }

    private static byte[] fromVector(Vector vector) {
        if (vector.size() != ImageSchema.PIXEL_COUNT) {
            throw new InvalidDataException("a vector of " + vector.size() + " values, expected " + ImageSchema.PIXEL_COUNT);
        }
        byte[] pixels = new byte[ImageSchema.PIXEL_COUNT];
        for (int i = 0; i < pixels.length; i++) {
            double value = vector.apply(i);
            if (!(value >= 0 && value <= 255)) {
                throw new InvalidDataException("a vector value " + value + " at " + i + ", expected an intensity 0..255");
            }
            pixels[i] = (byte) Math.round(value);
        }
        return pixels;
    }

    /** Spark's image struct (origin, height, width, nChannels, mode, data; BGR order) as a grey image. */
    private static BufferedImage grey(Row image) {
        int height = image.getInt(1);
        int width = image.getInt(2);
        int channels = image.getInt(3);
        byte[] data = (byte[]) image.get(5);
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new InvalidDataException(image.getString(0) + ": " + channels + " channels, expected 1, 3 or 4");
        }
        BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = (y * width + x) * channels;
                int level = channels == 1 ? data[at] & 0xff
                        : (int) Math.round(0.114 * (data[at] & 0xff) + 0.587 * (data[at + 1] & 0xff) + 0.299 * (data[at + 2] & 0xff));
                grey.getRaster().setSample(x, y, 0, level);
            }
        }
        return grey;
    }
}
