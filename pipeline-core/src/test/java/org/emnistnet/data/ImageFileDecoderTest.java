package org.emnistnet.data;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Image files decode to the intensities a viewer shows, whatever their pixel format. */
class ImageFileDecoderTest {
    private final ImageFileDecoder decoder = new ImageFileDecoder("whole-image");

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A 28x28 dark image with one bright 8x8 square: the model input must show that square at full brightness. */
    private static void paint(BufferedImage image, int background, int ink) {
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                image.getRaster().setSample(x, y, 0, x >= 10 && x < 18 && y >= 10 && y < 18 ? ink : background);
            }
        }
    }

    @Test
    void anImageSmallerThan8x8IsAnErrorNotAPrediction() throws Exception {
        ImageFileDecoder.Decoded tiny = decoder.decode(png(new BufferedImage(7, 20, BufferedImage.TYPE_BYTE_GRAY)));
        assertNull(tiny.pixels());
        assertEquals("image too small: 7x20, expected at least 8x8", tiny.error());
    }

    @Test
    void sixteenBitGreyDecodesToTheSameIntensitiesAsEightBit() throws Exception {
        BufferedImage wide = new BufferedImage(28, 28, BufferedImage.TYPE_USHORT_GRAY);
        paint(wide, 0, 0xC8C8); // 200 of 255
        byte[] pixels = decoder.decode(png(wide)).pixels();
        assertEquals(200, pixels[14 * 28 + 14] & 0xff, "the square");
        assertEquals(0, pixels[0] & 0xff, "the background");
    }

    @Test
    void aPaletteImageDecodesToItsColoursGreyLevels() throws Exception {
        byte[] levels = {0, (byte) 200};
        BufferedImage palette = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, levels, levels, levels));
        paint(palette, 0, 1);
        byte[] pixels = decoder.decode(png(palette)).pixels();
        assertThat(pixels[14 * 28 + 14] & 0xff).isBetween(198, 202);
        assertEquals(0, pixels[0] & 0xff);
    }
}
