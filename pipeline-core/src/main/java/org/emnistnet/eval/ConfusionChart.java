package org.emnistnet.eval;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code confusion.png}: the confusion matrix as a JFreeChart heat map, true class down, predicted class across,
 * colours normalised per row (the share of each true class), counts written in the cells.
 */
public final class ConfusionChart {
    private ConfusionChart() {
    }

    public static void write(Metrics metrics, Path file) {
        try {
            ImageIO.write(render(metrics), "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static BufferedImage render(Metrics metrics) {
        int n = metrics.classNames().size();
        double[] xs = new double[n * n];
        double[] ys = new double[n * n];
        double[] zs = new double[n * n];
        for (int t = 0; t < n; t++) {
            long support = Math.max(1, metrics.support(t));
            for (int p = 0; p < n; p++) {
                int i = t * n + p;
                xs[i] = p;
                ys[i] = t;
                zs[i] = (double) metrics.confusion()[t][p] / support;
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("share of true class", new double[][]{xs, ys, zs});
        String[] names = metrics.classNames().toArray(new String[0]);
        SymbolAxis predicted = new SymbolAxis("predicted", names);
        predicted.setVerticalTickLabels(true);
        SymbolAxis truth = new SymbolAxis("true", names);
        truth.setInverted(true);
        XYBlockRenderer renderer = new XYBlockRenderer();
        LookupPaintScale scale = new LookupPaintScale(0, 1.0001, Color.WHITE);
        for (int step = 0; step <= 100; step++) {
            float v = step / 100f;
            scale.add(v, new Color(1 - 0.85f * (float) Math.sqrt(v), 1 - 0.6f * (float) Math.sqrt(v), 1f));
        }
        renderer.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, predicted, truth, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, n > 15 ? 9 : 11);
        for (int i = 0; i < zs.length; i++) {
            long count = metrics.confusion()[(int) ys[i]][(int) xs[i]];
            if (count > 0) {
                XYTextAnnotation label = new XYTextAnnotation(Long.toString(count), xs[i], ys[i]);
                label.setFont(font);
                label.setPaint(zs[i] > 0.5 ? Color.WHITE : Color.DARK_GRAY);
                plot.addAnnotation(label);
            }
        }
        JFreeChart chart = new JFreeChart("Confusion matrix (accuracy " + String.format("%.2f %%", 100 * metrics.accuracy()) + ")",
                JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        PaintScaleLegend legend = new PaintScaleLegend(scale, new NumberAxis("share of the true class"));
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        int side = Math.max(600, 160 + n * 36);
        return chart.createBufferedImage(side + 100, side);
    }
}
