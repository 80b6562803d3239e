package org.emnistnet.picture;


import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Images for people: a strip of 28x28 images with captions, and PNG encodings for the places that show pictures
 * inline (notebooks: Zeppelin's {@code %html} output, HTML reports).
 */
public final class Pictures {
    private static final int CAPTION = 16;
    private static final int GAP = 6;

    private Pictures() {
    }

    /** The images side by side, each enlarged {@code scale} times, with its caption underneath. */
    public static BufferedImage strip(List<byte[]> pixels, List<String> captions, int scale) {
        if (pixels.size() != captions.size()) {
            throw new IllegalArgumentException(pixels.size() + " images but " + captions.size() + " captions");
        }
        int cell = 28 * scale;
        int width = Math.max(cell, 90);
        BufferedImage strip = new BufferedImage(Math.max(1, pixels.size()) * (width + GAP) + GAP, cell + CAPTION + 2 * GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = strip.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, strip.getWidth(), strip.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.BLACK);
        for (int i = 0; i < pixels.size(); i++) {
            int x = GAP + i * (width + GAP);
            g.drawImage(AugmentationPreview.toImage(pixels.get(i)), x + (width - cell) / 2, GAP, cell, cell, null);
            g.drawString(captions.get(i), x + 2, GAP + cell + CAPTION - 3);
        }
        g.dispose();
        return strip;
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG", e);
        }
        return out.toByteArray();
    }

    /** An HTML {@code <img>} with the PNG inline, for Zeppelin's {@code %html} output and HTML pages. */
    public static String htmlImage(BufferedImage image) {
        return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png(image)) + "\"/>";
    }

    public static BufferedImage read(Path file) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new IOException("not an image ImageIO can decode");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image " + file + ": " + e.getMessage(), e);
        }
    }
}
