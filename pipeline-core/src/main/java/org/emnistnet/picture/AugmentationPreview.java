package org.emnistnet.picture;

import org.emnistnet.transform.Augmentation;

import org.emnistnet.data.Split;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.emnistnet.data.DataFiles;
import org.emnistnet.data.ImageSchema;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * A PNG grid of training images before and after augmentation, so a person can see what the model sees: each
 * cell is the prepared image (left) and its augmentation for the given epoch (right), enlarged.
 */
public final class AugmentationPreview {
    private static final int SCALE = 3;
    private static final int GAP = 4;
    private static final int COLUMNS = 8;

    private AugmentationPreview() {
    }

    /** Writes {@code preview.png} for the first {@code n} training images (by id) into {@code outDir}. */
    public static Path write(SparkSession spark, org.emnistnet.data.PreparedDataset prepared, Path outDir, int n,
                             Augmentation augmentation, int epoch) {
        BufferedImage grid = render(prepared.rows(spark), n, augmentation, epoch);
        Path file = new Path(outDir, "preview.png");
        try (FSDataOutputStream out = DataFiles.fileSystem(file).create(file, true)) {
            ImageIO.write(grid, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** The grid for the first {@code n} training images (by id) of a prepared dataset. */
    public static BufferedImage render(Dataset<Row> prepared, int n, Augmentation augmentation, int epoch) {
        Dataset<Row> sample = Split.TRAIN.of(prepared).orderBy(ImageSchema.ID).limit(n)
                .withColumn("original", col(ImageSchema.PIXELS));
        return render(augmentation.apply(sample, epoch).select("original", ImageSchema.PIXELS).collectAsList());
    }

    static BufferedImage render(List<Row> pairs) {
        int cell = ImageSchema.SIDE * SCALE;
        int pairWidth = 2 * cell + GAP;
        int columns = Math.min(COLUMNS, Math.max(1, pairs.size()));
        int rows = (pairs.size() + columns - 1) / columns;
        BufferedImage grid = new BufferedImage(columns * (pairWidth + 2 * GAP), Math.max(1, rows) * (cell + 2 * GAP),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(new Color(0x30, 0x60, 0x90));
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        for (int i = 0; i < pairs.size(); i++) {
            int x = (i % columns) * (pairWidth + 2 * GAP) + GAP;
            int y = (i / columns) * (cell + 2 * GAP) + GAP;
            g.drawImage(toImage((byte[]) pairs.get(i).get(0)), x, y, cell, cell, null);
            g.drawImage(toImage((byte[]) pairs.get(i).get(1)), x + cell + GAP, y, cell, cell, null);
        }
        g.dispose();
        return grid;
    }

    /** A 28x28 greyscale image of the pixels (ink bright, as stored). */
    public static BufferedImage toImage(byte[] pixels) {
        BufferedImage image = new BufferedImage(ImageSchema.SIDE, ImageSchema.SIDE, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, ImageSchema.SIDE, ImageSchema.SIDE, pixels);
        return image;
    }
}
