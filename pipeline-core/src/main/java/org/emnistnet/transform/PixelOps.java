package org.emnistnet.transform;

import org.emnistnet.InvalidDataException;

import java.util.SplittableRandom;

/**
 * Pure pixel functions on 28x28 images stored as 784 unsigned bytes, row-major (0 = background, 255 = ink).
 * Images stay bytes from ingest to the model's input, which divides by 255 to get the reference's [0, 1] range;
 * that is why the noise level is given in [0, 1] units and applied as {@code std * 255} here.
 */
public final class PixelOps {
    public static final int SIDE = 28;
    public static final int SIZE = SIDE * SIDE;
    /** Rotation is about the image centre, between pixels 13 and 14 (as PyTorch's affine_grid, align_corners=False). */
    private static final double CENTRE = (SIDE - 1) / 2.0;

    private PixelOps() {
    }

    /** Swaps rows and columns: EMNIST's orientation fix (its images are stored transposed). Its own inverse. */
    public static byte[] transpose(byte[] image) {
        byte[] out = new byte[SIZE];
        for (int r = 0; r < SIDE; r++) {
            for (int c = 0; c < SIDE; c++) {
                out[c * SIDE + r] = image[r * SIDE + c];
            }
        }
        return out;
    }

    /**
     * Rotates by {@code degrees} (positive = clockwise as displayed, like the reference's affine grid) about the
     * centre, with bilinear interpolation and zero fill outside the source, rounded back to bytes.
     */
    public static byte[] rotate(byte[] image, double degrees) {
        double radians = Math.toRadians(degrees);
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        byte[] out = new byte[SIZE];
        for (int r = 0; r < SIDE; r++) {
            double dy = r - CENTRE;
            for (int c = 0; c < SIDE; c++) {
                double dx = c - CENTRE;
                double sourceX = cos * dx - sin * dy + CENTRE;
                double sourceY = sin * dx + cos * dy + CENTRE;
                out[r * SIDE + c] = (byte) Math.round(bilinear(image, sourceY, sourceX));
            }
        }
        return out;
    }

    /** Adds N(0, std) noise (std in [0, 1] units), clipping to [0, 255] and rounding to bytes. */
    public static byte[] addGaussianNoise(byte[] image, double std, SplittableRandom random) {
        double scale = std * 255.0;
        byte[] out = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            double value = (image[i] & 0xff) + scale * nextGaussian(random);
            out[i] = (byte) Math.round(Math.min(255.0, Math.max(0.0, value)));
        }
        return out;
    }

    /** Fails with the row's id when an image is not 784 bytes. */
    public static byte[] checked(byte[] image, Object id) {
        if (image == null || image.length != SIZE) {
            throw new InvalidDataException("row " + id + ": pixels has " + (image == null ? "no value" : image.length + " bytes")
                    + ", expected " + SIZE + " (28x28 unsigned bytes)");
        }
        return image;
    }

    private static double bilinear(byte[] image, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        return (1 - fy) * ((1 - fx) * at(image, y0, x0) + fx * at(image, y0, x0 + 1))
                + fy * ((1 - fx) * at(image, y0 + 1, x0) + fx * at(image, y0 + 1, x0 + 1));
    }

    private static int at(byte[] image, int r, int c) {
        return r < 0 || r >= SIDE || c < 0 || c >= SIDE ? 0 : image[r * SIDE + c] & 0xff;
    }

    /** Box-Muller; SplittableRandom has no nextGaussian in JDK 17's API for all implementations we target. */
    private static double nextGaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
