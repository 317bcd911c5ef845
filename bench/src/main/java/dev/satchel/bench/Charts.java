package dev.satchel.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The report's bar charts, all in one style. */
final class Charts {
    private Charts() {}

    static CategoryChart bars(String title, String yTitle) {
        CategoryChart c = new CategoryChartBuilder()
                .width(1100)
                .height(520)
                .title(title)
                .yAxisTitle(yTitle)
                .build();
        Styler s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setXAxisLabelRotation(20);
        c.getStyler().setAvailableSpaceFill(0.8);
        return c;
    }

    /** A logarithmic y axis starting at the decade below the smallest bar (bars need a positive base). */
    static void logScale(CategoryChart c, List<Double> values) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-9)))));
        c.setYAxisTitle(c.getYAxisTitle() + " (log scale)");
    }

    /** Short enough for a chart's category axis. */
    static String name(String label) {
        return label.replace("PostgreSQL", "PG").replace(" + ", "+");
    }

    static void save(CategoryChart c, Path file) throws IOException {
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
