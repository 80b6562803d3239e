package org.emnistnet.transform;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure pixel functions, without Spark. */
class PixelOpsTest {
    private static final int N = 28;

    /** An upright "L": a vertical bar at column 5 (rows 5..20) and a foot along row 20 (columns 5..15). */
    private static byte[] uprightL() {
        byte[] image = new byte[N * N];
        for (int r = 5; r <= 20; r++) image[r * N + 5] = (byte) 255;
        for (int c = 5; c <= 15; c++) image[20 * N + c] = (byte) 255;
        return image;
    }

    /** The same "L" as EMNIST stores it, transposed: a bar along row 5 and a foot down column 20. */
    private static byte[] storedL() {
        byte[] image = new byte[N * N];
        for (int c = 5; c <= 20; c++) image[5 * N + c] = (byte) 255;
        for (int r = 5; r <= 15; r++) image[r * N + 20] = (byte) 255;
        return image;
    }

    private static byte[] randomImage(long seed) {
        byte[] image = new byte[N * N];
        new Random(seed).nextBytes(image);
        return image;
    }

    @Test
    void theOrientationFixTurnsAStoredGlyphUpright() {
        assertArrayEquals(uprightL(), PixelOps.transpose(storedL()));
    }

    @Test
    void theOrientationFixAppliedTwiceIsTheIdentity() {
        byte[] image = randomImage(1);
        assertArrayEquals(image, PixelOps.transpose(PixelOps.transpose(image)));
    }

    @Test
    void rotationByZeroDegreesIsTheIdentity() {
        byte[] image = randomImage(2);
        assertArrayEquals(image, PixelOps.rotate(image, 0));
    }

    @Test
    void rotationByNinetyDegreesMovesEveryPixelExactly() {
        byte[] image = randomImage(3);
        byte[] expected = new byte[N * N];
        for (int r = 0; r < N; r++) {
            for (int c = 0; c < N; c++) {
                expected[r * N + c] = image[c * N + (N - 1 - r)];
            }
        }
        assertArrayEquals(expected, PixelOps.rotate(image, 90));
        assertArrayEquals(image, PixelOps.rotate(PixelOps.rotate(PixelOps.rotate(PixelOps.rotate(image, 90), 90), 90), 90));
    }

    @Test
    void smallRotationsPreserveTheInkMass() {
        byte[] blob = new byte[N * N];
        for (int r = 8; r < 20; r++) for (int c = 9; c < 19; c++) blob[r * N + c] = (byte) 200;
        double mass = sum(blob);
        for (double degrees : new double[]{-10, -5, 3, 7.5, 10}) {
            double rotated = sum(PixelOps.rotate(blob, degrees));
            assertEquals(mass, rotated, mass * 0.02, "mass after " + degrees + " degrees");
        }
    }

    @Test
    void anglesStayWithinTheMaximumAndUseTheWholeRange() {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < 10_000; i++) {
            double angle = RandomRotation.angleOf(42, 0, "train-" + i, 10);
            assertTrue(angle >= -10 && angle <= 10, "angle " + angle);
            min = Math.min(min, angle);
            max = Math.max(max, angle);
        }
        assertTrue(min < -9.9 && max > 9.9, "range used: " + min + ".." + max);
    }

    @Test
    void noiseHasZeroMeanAndTheRequestedStandardDeviation() {
        byte[] grey = new byte[N * N];
        java.util.Arrays.fill(grey, (byte) 128);
        SplittableRandom random = new SplittableRandom(5);
        double sum = 0;
        double sumOfSquares = 0;
        int count = 0;
        for (int image = 0; image < 200; image++) {
            for (byte b : PixelOps.addGaussianNoise(grey, 0.05, random)) {
                double delta = ((b & 0xff) - 128) / 255.0;
                sum += delta;
                sumOfSquares += delta * delta;
                count++;
            }
        }
        double mean = sum / count;
        double std = Math.sqrt(sumOfSquares / count - mean * mean);
        assertEquals(0, mean, 0.001);
        assertEquals(0.05, std, 0.001);
    }

    @Test
    void noiseIsClippedToTheValidRangeNotWrappedAround() {
        byte[] image = new byte[N * N];
        for (int i = 0; i < image.length; i++) image[i] = (byte) (i % 2 == 0 ? 253 : 2);
        byte[] noisy = PixelOps.addGaussianNoise(image, 0.02, new SplittableRandom(9));
        int clippedHigh = 0;
        int clippedLow = 0;
        for (int i = 0; i < noisy.length; i++) {
            int value = noisy[i] & 0xff;
            if (i % 2 == 0) {
                assertTrue(value > 200, "a bright pixel wrapped around to " + value);
                clippedHigh += value == 255 ? 1 : 0;
            } else {
                assertTrue(value < 55, "a dark pixel wrapped around to " + value);
                clippedLow += value == 0 ? 1 : 0;
            }
        }
        assertTrue(clippedHigh > 50 && clippedLow > 50, "clipping happened: " + clippedHigh + ", " + clippedLow);
    }

    @Test
    void theRandomStreamDependsOnSeedEpochStageAndId() {
        double base = ImageRandom.of(1, 0, "rotation", "train-000001").nextDouble();
        assertEquals(base, ImageRandom.of(1, 0, "rotation", "train-000001").nextDouble());
        assertFalse(base == ImageRandom.of(2, 0, "rotation", "train-000001").nextDouble());
        assertFalse(base == ImageRandom.of(1, 1, "rotation", "train-000001").nextDouble());
        assertFalse(base == ImageRandom.of(1, 0, "noise", "train-000001").nextDouble());
        assertFalse(base == ImageRandom.of(1, 0, "rotation", "train-000002").nextDouble());
    }

    private static double sum(byte[] image) {
        double total = 0;
        for (byte b : image) total += b & 0xff;
        return total;
    }
}
