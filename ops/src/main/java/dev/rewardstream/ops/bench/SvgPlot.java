package dev.rewardstream.ops.bench;

import java.util.List;
import java.util.Locale;

/** A plain line chart as SVG text: no dependencies, readable in any browser and on GitHub. */
final class SvgPlot {

  record Series(String name, String color, double[] x, double[] y) {}

  private static final int W = 640;
  private static final int H = 360;
  private static final int LEFT = 60;
  private static final int RIGHT = 160;
  private static final int TOP = 30;
  private static final int BOTTOM = 40;

  private SvgPlot() {}

  static String lines(String title, String xLabel, String yLabel, List<Series> series) {
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isFinite(s.y()[i])) {
          minX = Math.min(minX, s.x()[i]);
          maxX = Math.max(maxX, s.x()[i]);
          minY = Math.min(minY, s.y()[i]);
          maxY = Math.max(maxY, s.y()[i]);
        }
      }
    }
    if (minX == Double.MAX_VALUE) {
      minX = 0;
      maxX = 1;
      minY = 0;
      maxY = 1;
    }
    double padY = Math.max(1e-3, (maxY - minY) * 0.05);
    minY -= padY;
    maxY += padY;
    maxX = maxX == minX ? minX + 1 : maxX;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", W, H));
    svg.append(text(W / 2.0 - RIGHT / 2.0, 18, title, "middle", 14));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
        + "stroke=\"#888\"/>%n", LEFT, TOP, plotW, plotH));
    for (int t = 0; t <= 4; t++) {
      double yv = minY + (maxY - minY) * t / 4;
      double xv = minX + (maxX - minX) * t / 4;
      double py = TOP + plotH - plotH * t / 4.0;
      double px = LEFT + plotW * t / 4.0;
      svg.append(text(LEFT - 5, py + 4, format(yv), "end", 11));
      svg.append(text(px, TOP + plotH + 15, format(xv), "middle", 11));
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
          LEFT, LEFT + plotW, py, py));
    }
    svg.append(text(LEFT + plotW / 2.0, H - 5, xLabel, "middle", 12));
    svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 14 %.1f)\">%s</text>%n", TOP + plotH / 2.0, TOP + plotH / 2.0, escape(yLabel)));
    int legendY = TOP + 10;
    for (Series s : series) {
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        if (!Double.isFinite(s.y()[i])) {
          continue;
        }
        double px = LEFT + plotW * (s.x()[i] - minX) / (maxX - minX);
        double py = TOP + plotH - plotH * (s.y()[i] - minY) / (maxY - minY);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
          + "points=\"%s\"/>%n", s.color(), points.toString().trim()));
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"3\"/>%n", W - RIGHT + 10, W - RIGHT + 30, legendY, legendY, s.color()));
      svg.append(text(W - RIGHT + 35, legendY + 4, s.name(), "start", 11));
      legendY += 18;
    }
    return svg.append("</svg>\n").toString();
  }

  private static String text(double x, double y, String text, String anchor, int size) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
        x, y, anchor, size, escape(text));
  }

  private static String format(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
