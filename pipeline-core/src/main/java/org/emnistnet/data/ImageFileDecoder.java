package org.emnistnet.data;

import org.emnistnet.artifact.ImageFileRecipe;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.RenderingHints;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;

/**
 * Turns an ordinary image file (PNG, JPEG, BMP, GIF; any size; colour, grey, palette, grey with alpha, 16-bit or
 * CMYK JPEG; either polarity; transparent parts count as white paper) into the 784
 * bytes a model takes, the way its dataset was made. Decoding is the JDK's ImageIO. Two recipes, chosen by the
 * dataset descriptor's {@code image_file_recipe}:
 * <ul>
 *   <li>{@code emnist} (how EMNIST was built from NIST scans): grey, ink bright on dark (inverted when the
 *   background is light), Gaussian blur (sigma 1), cropped to the ink, centred in a square, 2-pixel border,
 *   scaled to 28x28;</li>
 *   <li>{@code whole-image} (Fashion-MNIST): grey, object bright on dark, the whole image scaled to 28x28.</li>
 * </ul>
 * An 8-bit grey 28x28 image already in the dataset's convention (dark background) passes through unchanged, so
 * the PNG of a dataset image scores exactly as its Parquet row. Failures are returned as reasons, not thrown:
 * one bad file must not fail a job over millions.
 */
public final class ImageFileDecoder implements Serializable {
    /** Decoded images above this many pixels are refused before their pixels are read. */
    public static final long MAX_PIXELS = 40_000_000L;

    public static final String EMPTY = "empty file";
    public static final String NOT_AN_IMAGE = "not a decodable image";
    public static final String CORRUPT = "corrupt image";
    public static final String TOO_LARGE = "image too large";
    public static final String TOO_SMALL = "image too small";
    /** Below 8x8 there is no letter to see, and scaling up to 28x28 would invent one. */
    static final int MIN_SIDE = 8;

    static {
        // Decode from memory: by default ImageIO stages every stream in a temporary file.
        ImageIO.setUseCache(false);
    }

    private final ImageFileRecipe recipe;

    public ImageFileDecoder(ImageFileRecipe recipe) {
        this.recipe = java.util.Objects.requireNonNull(recipe, "recipe");
    }

    /** Either 784 pixels or the reason (one of the constants above, with details after a colon). */
    public record Decoded(byte[] pixels, String error) {
        static Decoded failed(String reason) {
            return new Decoded(null, reason);
        }

    }

    public Decoded decode(byte[] file) {
        if (file == null || file.length == 0) {
            return Decoded.failed(EMPTY);
        }
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Decoded.failed(NOT_AN_IMAGE + ": no PNG, JPEG, BMP or GIF signature");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                if (reader.getWidth(0) < MIN_SIDE || reader.getHeight(0) < MIN_SIDE) {
                    return Decoded.failed(TOO_SMALL + ": " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + ", expected at least " + MIN_SIDE + "x" + MIN_SIDE);
                }
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    return Decoded.failed(TOO_LARGE + ": " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " exceeds " + MAX_PIXELS + " pixels");
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Decoded.failed(CORRUPT + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (image == null || image.getWidth() < 1 || image.getHeight() < 1) {
            return Decoded.failed(CORRUPT + ": no pixels");
        }
        return new Decoded(toModelInput(image), null);
    }

    /** The 784 model-input bytes of a decoded image, by this decoder's recipe. */
    public byte[] toModelInput(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY && image.getWidth() == 28 && image.getHeight() == 28
                && borderMean(grey(image)) < 128) {
            return pixelsOf(image);
        }
        BufferedImage grey = grey(image);
        if (borderMean(grey) >= 128) {
            invert(grey);
        }
        BufferedImage framed = recipe == ImageFileRecipe.EMNIST ? emnistFrame(grey) : grey;
        return pixelsOf(scale(framed, 28, 28));
    }

    /** Blur, crop to the ink, centre in a square with a 2-pixel border (as the EMNIST paper). */
    private static BufferedImage emnistFrame(BufferedImage grey) {
        BufferedImage blurred = gaussianBlur(grey);
        int[] box = inkBox(blurred);
        if (box == null) {
            return blurred; // no ink at all: the whole (dark) image
        }
        int width = box[2] - box[0] + 1;
        int height = box[3] - box[1] + 1;
        int side = Math.max(width, height);
        int border = Math.max(2, Math.round(side * 2f / 24f));
        BufferedImage square = new BufferedImage(side + 2 * border, side + 2 * border, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = square.createGraphics();
        g.drawImage(blurred.getSubimage(box[0], box[1], width, height),
                border + (side - width) / 2, border + (side - height) / 2, null);
        g.dispose();
        return square;
    }

    private static BufferedImage grey(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return image;
        }
        if (image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && image.getColorModel().hasAlpha()) {
            return greyOverPaper(image);
        }
        BufferedImage grey = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setColor(java.awt.Color.WHITE); // transparent pixels count as paper
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return grey;
    }

    /**
     * Grey with alpha (PNG colour type 4, 8 or 16 bits) over white paper, from the stored samples: they are the
     * levels a viewer shows, while Java2D would convert them as linear grey and brighten every mid-tone.
     */
    private static BufferedImage greyOverPaper(BufferedImage image) {
        var raster = image.getRaster();
        var model = image.getColorModel();
        double greyMax = (1 << model.getComponentSize(0)) - 1;
        double alphaMax = (1 << model.getComponentSize(1)) - 1;
        BufferedImage grey = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                double alpha = raster.getSample(x, y, 1) / alphaMax;
                double level = raster.getSample(x, y, 0) / greyMax * 255;
                grey.getRaster().setSample(x, y, 0, (int) Math.round(level * alpha + 255 * (1 - alpha)));
            }
        }
        return grey;
    }

    private static double borderMean(BufferedImage grey) {
        var raster = grey.getRaster();
        int w = grey.getWidth();
        int h = grey.getHeight();
        double sum = 0;
        int count = 0;
        for (int x = 0; x < w; x++) {
            sum += raster.getSample(x, 0, 0) + raster.getSample(x, h - 1, 0);
            count += 2;
        }
        for (int y = 0; y < h; y++) {
            sum += raster.getSample(0, y, 0) + raster.getSample(w - 1, y, 0);
            count += 2;
        }
        return sum / count;
    }

    private static void invert(BufferedImage grey) {
        var raster = grey.getRaster();
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                raster.setSample(x, y, 0, 255 - raster.getSample(x, y, 0));
            }
        }
    }

    /** Bounding box {minX, minY, maxX, maxY} of pixels brighter than a quarter of the brightest, or null. */
    private static int[] inkBox(BufferedImage grey) {
        var raster = grey.getRaster();
        int max = 0;
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                max = Math.max(max, raster.getSample(x, y, 0));
            }
        }
        if (max < 16) {
            return null;
        }
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                if (raster.getSample(x, y, 0) > max / 4) {
                    box[0] = Math.min(box[0], x);
                    box[1] = Math.min(box[1], y);
                    box[2] = Math.max(box[2], x);
                    box[3] = Math.max(box[3], y);
                }
            }
        }
        return box;
    }

    private static BufferedImage gaussianBlur(BufferedImage grey) {
        float[] weights = {0.0545f, 0.2442f, 0.4026f, 0.2442f, 0.0545f}; // sigma 1, 5 taps
        float[] kernel = new float[25];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                kernel[i * 5 + j] = weights[i] * weights[j];
            }
        }
        BufferedImage out = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        return new ConvolveOp(new Kernel(5, 5, kernel), ConvolveOp.EDGE_NO_OP, null).filter(grey, out);
    }

    private static BufferedImage scale(BufferedImage image, int width, int height) {
        if (image.getWidth() == width && image.getHeight() == height) {
            return image;
        }
        // Area averaging when shrinking (no aliasing on large scans), bicubic otherwise.
        java.awt.Image scaled = image.getScaledInstance(width, height,
                image.getWidth() > width ? java.awt.Image.SCALE_AREA_AVERAGING : java.awt.Image.SCALE_SMOOTH);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(scaled, 0, 0, null);
        g.dispose();
        return out;
    }

    private static byte[] pixelsOf(BufferedImage grey) {
        byte[] pixels = new byte[grey.getWidth() * grey.getHeight()];
        grey.getRaster().getDataElements(0, 0, grey.getWidth(), grey.getHeight(), pixels);
        return pixels;
    }
}
