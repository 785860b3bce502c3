package dev.rewardstream.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.batik.svggen.SVGGraphics2DIOException;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.w3c.dom.Document;

/**
 * A bench line chart drawn by JFreeChart, written as SVG (Batik's SVG generator) and PNG: curves with their
 * run-to-run spread as bands, anchors as dashed curves or horizontal reference lines.
 */
final class Chart {

  /** One curve; {@code spread} (one sd per point, or null) is drawn as a band around it. */
  record Series(String name, String color, double[] x, double[] y, double[] spread, boolean dashed) {

    static Series line(String name, String color, double[] x, double[] y) {
      return new Series(name, color, x, y, null, false);
    }

    Series withSpread(double[] sd) {
      return new Series(name, color, x, y, sd, dashed);
    }

    Series asDashed() {
      return new Series(name, color, x, y, spread, true);
    }
  }

  /** A horizontal line across the chart, such as a Bayes-optimal accuracy or a baseline. */
  record Reference(String name, double y) {}

  private static final int WIDTH = 760;
  private static final int HEIGHT = 420;

  private final JFreeChart chart;

  private Chart(JFreeChart chart) {
    this.chart = chart;
  }

  static Chart lines(String title, String xLabel, String yLabel, List<Series> series) {
    return lines(title, xLabel, yLabel, series, List.of(), false);
  }

  /** With {@code logX} the x axis is logarithmic, labelled in plain numbers (250 and 20,000 labels both get room). */
  static Chart lines(String title, String xLabel, String yLabel, List<Series> series, List<Reference> references,
      boolean logX) {
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    DeviationRenderer renderer = new DeviationRenderer(true, false);
    renderer.setAlpha(0.18f);
    for (Series s : series) {
      YIntervalSeries curve = new YIntervalSeries(s.name(), false, true);
      for (int i = 0; i < s.x().length; i++) {
        double y = s.y()[i];
        if (Double.isFinite(y)) {
          double sd = s.spread() == null || !Double.isFinite(s.spread()[i]) ? 0 : s.spread()[i];
          curve.add(s.x()[i], y, y - sd, y + sd);
        }
      }
      int index = data.getSeriesCount();
      data.addSeries(curve);
      Color color = Color.decode(s.color());
      renderer.setSeriesPaint(index, color);
      renderer.setSeriesFillPaint(index, color);
      renderer.setSeriesStroke(index, s.dashed()
          ? new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
          : new BasicStroke(2.2f));
    }
    ValueAxis xAxis;
    if (logX) {
      xAxis = new RoundLogAxis(xLabel);
    } else {
      NumberAxis linear = new NumberAxis(xLabel);
      linear.setAutoRangeIncludesZero(false);
      linear.setStandardTickUnits(NumberAxis.createStandardTickUnits());
      xAxis = linear;
    }
    NumberAxis yAxis = new NumberAxis(yLabel);
    yAxis.setAutoRangeIncludesZero(false);
    yAxis.setStandardTickUnits(NumberAxis.createStandardTickUnits());
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xDDDDDD));
    plot.setRangeGridlinePaint(new Color(0xDDDDDD));
    for (Reference reference : references) {
      ValueMarker marker = new ValueMarker(reference.y(), new Color(0x777777), new BasicStroke(1.2f,
          BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 3f}, 0f));
      marker.setLabel(reference.name());
      marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
      plot.addRangeMarker(marker);
    }
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    // Markers do not widen the auto range: keep every reference line inside it with the curves and their bands.
    if (!references.isEmpty()) {
      double low = references.stream().mapToDouble(Reference::y).min().orElseThrow();
      double high = references.stream().mapToDouble(Reference::y).max().orElseThrow();
      Range curves = data.getSeriesCount() == 0 ? null : DatasetUtils.findRangeBounds(data, true);
      double min = curves == null ? low : Math.min(low, curves.getLowerBound());
      double max = curves == null ? high : Math.max(high, curves.getUpperBound());
      double pad = Math.max(0.005, (max - min) * 0.05);
      yAxis.setRange(min - pad, max + pad);
    }
    return new Chart(chart);
  }

  /** A base-10 log axis ticked at 1, 2 and 5 times powers of ten (LogAxis ticks at powers of its tick unit: 316). */
  private static final class RoundLogAxis extends LogAxis {

    RoundLogAxis(String label) {
      super(label);
      setBase(10);
    }

    @Override
    protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
      List<Tick> ticks = new ArrayList<>();
      double low = getLowerBound();
      double high = getUpperBound();
      DecimalFormat format = new DecimalFormat("#,##0");
      for (int power = (int) Math.floor(Math.log10(low)); power <= (int) Math.ceil(Math.log10(high)); power++) {
        for (int mantissa : new int[] {1, 2, 5}) {
          double value = mantissa * Math.pow(10, power);
          if (value >= low && value <= high) {
            ticks.add(new NumberTick(value, format.format(value), TextAnchor.TOP_CENTER, TextAnchor.CENTER, 0.0));
          }
        }
      }
      return ticks;
    }
  }

  String svg() {
    Document document;
    try {
      document = DocumentBuilderFactory.newInstance().newDocumentBuilder().getDOMImplementation()
          .createDocument("http://www.w3.org/2000/svg", "svg", null);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
    SVGGraphics2D graphics = new SVGGraphics2D(document);
    graphics.setSVGCanvasSize(new java.awt.Dimension(WIDTH, HEIGHT));
    chart.draw(graphics, new Rectangle(0, 0, WIDTH, HEIGHT));
    StringWriter svg = new StringWriter();
    try {
      graphics.stream(svg, true);
    } catch (SVGGraphics2DIOException e) {
      throw new UncheckedIOException(e);
    }
    // Batik writes the SVG 1.0 DOCTYPE, whose external DTD an XML reader would try to fetch; SVG needs none.
    return svg.toString().replaceFirst("(?s)<!DOCTYPE[^>]*>\\s*", "");
  }

  byte[] png() {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(png, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return png.toByteArray();
  }
}
