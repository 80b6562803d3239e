package org.emnistnet.eval;

import org.emnistnet.artifact.AtomicFiles;
import org.emnistnet.artifact.EpochRecord;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** {@code curves.png}: loss (train and validation) and validation accuracy per epoch, drawn with JFreeChart. */
public final class TrainingCurves {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 400;

    private TrainingCurves() {
    }

    /** Writes the chart to {@code file} (any Hadoop filesystem) atomically, so a reader never sees half a PNG. */
    public static void write(List<EpochRecord> epochs, org.apache.hadoop.fs.Path file) {
        BufferedImage image = render(epochs);
        AtomicFiles.write(file, out -> ChartUtils.writeBufferedImageAsPNG(out, image));
    }

    /** Loss on the left, validation accuracy on the right. */
    public static BufferedImage render(List<EpochRecord> epochs) {
        XYSeries train = new XYSeries("train loss");
        XYSeries val = new XYSeries("validation loss");
        XYSeries accuracy = new XYSeries("validation accuracy");
        for (EpochRecord e : epochs) {
            train.add(e.epoch(), e.trainLoss());
            val.add(e.epoch(), e.valLoss());
            accuracy.add(e.epoch(), e.valAccuracy());
        }
        XYSeriesCollection losses = new XYSeriesCollection(train);
        losses.addSeries(val);
        JFreeChart lossChart = ChartFactory.createXYLineChart("Loss (label-smoothed cross-entropy)", "epoch", "loss",
                losses, PlotOrientation.VERTICAL, true, false, false);
        JFreeChart accuracyChart = ChartFactory.createXYLineChart("Validation accuracy", "epoch", "accuracy",
                new XYSeriesCollection(accuracy), PlotOrientation.VERTICAL, true, false, false);
        accuracyChart.getXYPlot().getRangeAxis().setAutoRangeMinimumSize(0.01);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        lossChart.draw(g, new Rectangle2D.Double(0, 0, WIDTH / 2.0, HEIGHT));
        accuracyChart.draw(g, new Rectangle2D.Double(WIDTH / 2.0, 0, WIDTH / 2.0, HEIGHT));
        g.dispose();
        return image;
    }
}
