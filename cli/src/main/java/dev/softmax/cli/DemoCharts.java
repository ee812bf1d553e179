package dev.softmax.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** The demo's two charts, rendered headless with JFreeChart and written atomically as PNG. */
final class DemoCharts {

    private static final Color LOGIT = new Color(0x4C72B0);
    private static final Color PROBABILITY = new Color(0xDD8452);
    private static final Color[] SWEEP = {new Color(0xC44E52), new Color(0xDD8452), new Color(0x4C72B0)};

    private DemoCharts() {}

    /** Raw logits on the left, probabilities after softmax on the right. */
    static void distributionShift(Path file, String[] tokens, float[] logits, float[] probabilities)
            throws IOException {
        DefaultCategoryDataset logitData = new DefaultCategoryDataset();
        DefaultCategoryDataset probabilityData = new DefaultCategoryDataset();
        for (int i = 0; i < tokens.length; i++) {
            logitData.addValue(logits[i], "logit", tokens[i]);
            probabilityData.addValue(probabilities[i], "probability", tokens[i]);
        }
        JFreeChart left = bars("Logits", "logit", logitData, LOGIT);
        JFreeChart right = bars("Probabilities after softmax", "probability", probabilityData, PROBABILITY);
        ((NumberAxis) right.getCategoryPlot().getRangeAxis())
                .setNumberFormatOverride(java.text.NumberFormat.getPercentInstance(java.util.Locale.ROOT));
        BufferedImage image = new BufferedImage(1400, 560, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString("Next token after \"the cat sat on a\": softmax turns scores into a distribution", 24, 34);
        left.draw(g, new Rectangle(0, 50, 690, 500));
        right.draw(g, new Rectangle(700, 50, 690, 500));
        g.dispose();
        write(image, file);
    }

    /** Probabilities of each token at several temperatures, as grouped bars. */
    static void temperatureSweep(Path file, String[] tokens, float[] temperatures, float[][] probabilities)
            throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int t = 0; t < temperatures.length; t++) {
            for (int i = 0; i < tokens.length; i++) {
                data.addValue(probabilities[t][i], "T = " + temperatures[t], tokens[i]);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "softmax(logits / T): low T, the winner takes most",
                "token",
                "probability",
                data,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        style(chart);
        BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
        for (int t = 0; t < temperatures.length; t++) {
            renderer.setSeriesPaint(t, SWEEP[t % SWEEP.length]);
        }
        ((NumberAxis) chart.getCategoryPlot().getRangeAxis())
                .setNumberFormatOverride(java.text.NumberFormat.getPercentInstance(java.util.Locale.ROOT));
        BufferedImage image = chart.createBufferedImage(1200, 600);
        write(image, file);
    }

    private static JFreeChart bars(String title, String valueLabel, DefaultCategoryDataset data, Color color) {
        JFreeChart chart = ChartFactory.createBarChart(
                title, "token", valueLabel, data, PlotOrientation.VERTICAL, false, false, false);
        style(chart);
        chart.getCategoryPlot().getRenderer().setSeriesPaint(0, color);
        return chart;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(new Color(0xF4F4F4));
        plot.setRangeGridlinePaint(Color.GRAY);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
    }

    private static void write(BufferedImage image, Path file) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, "." + file.getFileName() + ".", ".partial");
        try {
            if (!ImageIO.write(image, "png", partial.toFile())) {
                throw new IOException("no PNG writer is available in this JDK");
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
