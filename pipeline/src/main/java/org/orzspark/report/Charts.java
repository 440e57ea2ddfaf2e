package org.orzspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts of run series (JFreeChart), as PNG bytes for the report or images for notebooks. NaN
 * values are left out of a series (an undefined mean draws no point), and step moments are drawn as
 * vertical dashed lines.
 */
public final class Charts {
  public static final int WIDTH = 720;
  public static final int HEIGHT = 360;

  /**
   * Series colours, in series order: distinct on white and in print (JFreeChart's default cycle
   * puts a pale yellow fourth, which a comparison of two runs over two benchmarks needs).
   */
  private static final Color[] PALETTE = {
    new Color(0xE1, 0x57, 0x59),
    new Color(0x4E, 0x79, 0xA7),
    new Color(0x59, 0xA1, 0x4F),
    new Color(0xF2, 0x8E, 0x2B),
    new Color(0xB0, 0x7A, 0xA1),
    new Color(0x76, 0xB7, 0xB2),
    new Color(0x9C, 0x75, 0x5F),
    new Color(0xFF, 0x9D, 0xA7),
    new Color(0x55, 0x55, 0x55),
    new Color(0xD4, 0xB0, 0x1E)
  };

  private Charts() {}

  /**
   * A chart of one or more series over {@code x}.
   *
   * @param x the x values (iterations, checkpoints), ascending
   * @param series name to values parallel to {@code x} (NaN = no value); drawn in map order
   * @param markers x values to mark (step moments); may be empty
   * @param unitInterval fix the y axis to [0, 1] (rates, shares, mean rewards); otherwise it fits
   *     the data, at least 10% of the largest magnitude tall so that a flat series reads plainly
   */
  public static JFreeChart lines(
      String title,
      String xLabel,
      String yLabel,
      List<Integer> x,
      Map<String, double[]> series,
      List<Integer> markers,
      boolean unitInterval) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach(
        (name, values) -> {
          if (values.length != x.size()) {
            throw new IllegalArgumentException(
                "series "
                    + name
                    + " has "
                    + values.length
                    + " values for "
                    + x.size()
                    + " x values");
          }
          XYSeries s = new XYSeries(name, false, true);
          for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i])) {
              s.add(x.get(i).doubleValue(), values[i]);
            }
          }
          data.addSeries(s);
        });
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, xLabel, yLabel, data, PlotOrientation.VERTICAL, series.size() > 1, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, x.size() <= 60);
    for (int i = 0; i < series.size(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    plot.setRenderer(renderer);
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    if (unitInterval) {
      y.setRange(-0.02, 1.02);
    } else {
      y.setAutoRangeIncludesZero(false);
      double largest =
          series.values().stream()
              .flatMapToDouble(Arrays::stream)
              .filter(Double::isFinite)
              .map(Math::abs)
              .max()
              .orElse(0);
      y.setAutoRangeMinimumSize(largest > 0 ? 0.1 * largest : 1.0);
    }
    for (int at : markers) {
      ValueMarker marker = new ValueMarker(at);
      marker.setPaint(new Color(200, 0, 0));
      marker.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
      plot.addDomainMarker(marker);
    }
    return chart;
  }

  /** The chart as a PNG of {@link #WIDTH} × {@link #HEIGHT}. */
  public static byte[] png(JFreeChart chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render chart " + chart.getTitle().getText(), e);
    }
    return out.toByteArray();
  }

  /** The chart as an image of {@link #WIDTH} × {@link #HEIGHT} (notebooks display these). */
  public static BufferedImage image(JFreeChart chart) {
    return chart.createBufferedImage(WIDTH, HEIGHT);
  }
}
