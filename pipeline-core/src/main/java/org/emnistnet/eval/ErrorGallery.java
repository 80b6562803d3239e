package org.emnistnet.eval;

import org.apache.spark.sql.Row;
import org.emnistnet.picture.AugmentationPreview;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** {@code worst_errors.png}: the most confident mistakes, each image captioned "true -> predicted (p)". */
public final class ErrorGallery {
    private static final int SCALE = 4;
    private static final int COLUMNS = 6;
    private static final int CAPTION = 30;

    private ErrorGallery() {
    }

    /** Rows: id, true class, prediction, probability, pixels (as {@link Evaluation#worstErrors}). */
    public static void write(List<Row> errors, Path file) {
        try {
            ImageIO.write(render(errors), "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Rows as for {@link #write}. */
    public static BufferedImage render(List<Row> errors) {
        int cell = 28 * SCALE;
        int width = 150;
        int rows = Math.max(1, (errors.size() + COLUMNS - 1) / COLUMNS);
        BufferedImage grid = new BufferedImage(COLUMNS * width, rows * (cell + CAPTION + 8), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < errors.size(); i++) {
            Row row = errors.get(i);
            int x = (i % COLUMNS) * width + (width - cell) / 2;
            int y = (i / COLUMNS) * (cell + CAPTION + 8) + 4;
            g.drawImage(AugmentationPreview.toImage((byte[]) row.get(4)), x, y, cell, cell, null);
            g.setColor(Color.BLACK);
            g.drawString(row.getString(1) + " \u2192 " + row.getString(2), (i % COLUMNS) * width + 6, y + cell + 13);
            g.setColor(Color.GRAY);
            g.drawString(String.format("p=%.2f  %s", row.getDouble(3), row.getString(0)), (i % COLUMNS) * width + 6, y + cell + 26);
        }
        g.dispose();
        return grid;
    }
}
