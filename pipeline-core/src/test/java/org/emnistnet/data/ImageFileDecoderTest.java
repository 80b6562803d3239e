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
    private final ImageFileDecoder decoder = new ImageFileDecoder(org.emnistnet.artifact.ImageFileRecipe.WHOLE_IMAGE);

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

    @Test
    void greyWithAlphaShowsItsTransparentPartsAsPaper() throws Exception {
        java.awt.color.ColorSpace grey = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY);
        var model = new java.awt.image.ComponentColorModel(grey, true, false, java.awt.Transparency.TRANSLUCENT,
                java.awt.image.DataBuffer.TYPE_BYTE);
        BufferedImage image = new BufferedImage(model, model.createCompatibleWritableRaster(28, 28), false, null);
        paint(image, 0, 55); // grey: 0 around, 55 in the square
        for (int y = 0; y < 28; y++) { // alpha: only the square is opaque; the black around it is invisible
            for (int x = 0; x < 28; x++) {
                image.getRaster().setSample(x, y, 1, x >= 10 && x < 18 && y >= 10 && y < 18 ? 255 : 0);
            }
        }
        byte[] pixels = decoder.decode(png(image)).pixels();
        // A viewer shows a dark grey square (55) on white: the dataset's polarity makes that 200 on black.
        assertThat(pixels[14 * 28 + 14] & 0xff).isBetween(198, 202);
        assertEquals(0, pixels[0] & 0xff);
    }

    @Test
    void aCmykJpegDecodesInsteadOfFailing() throws Exception {
        // Adobe's CMYK JPEG (what print workflows and scanners write): the stored values are inverted, 255 = no ink.
        var raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 28, 28, 4, null);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean ink = x >= 10 && x < 18 && y >= 10 && y < 18;
                raster.setPixel(x, y, new int[]{255, 255, 255, ink ? 0 : 255}); // black ink (K) on white paper
            }
        }
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            var param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(1f);
            writer.write(null, new javax.imageio.IIOImage(raster, null, null), param);
        } finally {
            writer.dispose();
        }
        // The JDK's writer marks no colour model for 4 channels; Adobe's APP14 marker (transform 0) says CMYK.
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] plain = out.toByteArray();
        byte[] cmyk = new byte[plain.length + app14.length];
        System.arraycopy(plain, 0, cmyk, 0, 2); // SOI
        System.arraycopy(app14, 0, cmyk, 2, app14.length);
        System.arraycopy(plain, 2, cmyk, 2 + app14.length, plain.length - 2);
        ImageFileDecoder.Decoded decoded = decoder.decode(cmyk);
        assertNull(decoded.error());
        assertThat(decoded.pixels()[14 * 28 + 14] & 0xff).as("the inked square, bright in the dataset's polarity").isGreaterThan(230);
        assertThat(decoded.pixels()[0] & 0xff).as("the paper").isLessThan(25);
    }
}
