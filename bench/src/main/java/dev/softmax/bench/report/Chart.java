package dev.softmax.bench.report;

import dev.softmax.bench.Shape;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The report's chart: median ns per element (log scale) per shape, one marker per implementation; f32 softmax,
 * 1 thread, out of place. Rendered headless with JFreeChart.
 */
final class Chart {

    private static final Map<String, Color> COLORS = Map.of(
            Result.ONEDNN_C, new Color(0x1f, 0x77, 0xb4),
            Result.ENGINE_ONEDNN, new Color(0x2c, 0xa0, 0x2c),
            Result.ENGINE_JAVA, new Color(0xd6, 0x27, 0x28),
            Result.ENGINE_AUTO, new Color(0x94, 0x67, 0xbd),
            Result.ORT, new Color(0xff, 0x7f, 0x0e),
            Result.NAIVE, new Color(0x8c, 0x56, 0x4b),
            Result.COPY, new Color(0x7f, 0x7f, 0x7f));

    private static final Map<String, String> LABELS = Map.of(
            Result.ONEDNN_C, "oneDNN from C",
            Result.ENGINE_ONEDNN, "engine ONEDNN (FFM)",
            Result.ENGINE_JAVA, "engine JAVA (Vector API)",
            Result.ENGINE_AUTO, "engine AUTO",
            Result.ORT, "ONNX Runtime (Java)",
            Result.NAIVE, "naive Java loop",
            Result.COPY, "MemorySegment.copy");

    private Chart() {}

    static void write(Results results, List<Shape> shapes, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String impl : Result.ORDER) {
            for (Shape shape : shapes) {
                String op = impl.equals(Result.COPY) ? "copy" : "softmax";
                Optional<Result> r = results.find(impl, op, "f32", "out", 1, shape);
                r.ifPresent(x -> data.addValue(x.perElement(x.median()), LABELS.get(impl), shape.toString()));
            }
        }
        LogAxis values = new LogAxis("ns per element (median, log scale)");
        values.setSmallestValue(1e-3);
        values.setBase(10);
        values.setTickUnit(new NumberTickUnit(1), false, true); // one tick per decade, no auto selection
        values.setNumberFormatOverride(new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        values.setMinorTickMarksVisible(true);
        values.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        values.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        CategoryAxis categories = new CategoryAxis("shape (rows x columns)");
        categories.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        LineAndShapeRenderer renderer = new LineAndShapeRenderer(false, true);
        renderer.setUseSeriesOffset(true);
        renderer.setItemMargin(0.25);
        for (int i = 0; i < data.getRowCount(); i++) {
            String label = (String) data.getRowKey(i);
            String impl = LABELS.entrySet().stream()
                    .filter(e -> e.getValue().equals(label))
                    .findFirst()
                    .map(Map.Entry::getKey)
                    .orElse("");
            renderer.setSeriesPaint(i, COLORS.getOrDefault(impl, Color.BLACK));
            renderer.setSeriesShape(
                    i,
                    impl.equals(Result.COPY) || impl.equals(Result.ONEDNN_C)
                            ? new Rectangle2D.Double(-5, -5, 10, 10)
                            : new Ellipse2D.Double(-5, -5, 10, 10));
        }
        CategoryPlot plot = new CategoryPlot(data, categories, values, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xcc, 0xcc, 0xcc));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setDomainGridlinesVisible(true);
        plot.setDomainGridlinePaint(new Color(0xee, 0xee, 0xee));
        JFreeChart chart = new JFreeChart(
                "softmax, f32, last axis, 1 thread, out of place",
                new Font(Font.SANS_SERIF, Font.BOLD, 16),
                plot,
                true);
        chart.addSubtitle(new TextTitle(
                "lower is better; one run on a shared, noisy 2-vCPU VM", new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 650);
    }
}
