package dev.rewardstream.scorer;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Spearman rank correlation: Pearson correlation of the ranks, ties sharing their mean rank. */
final class RankCorrelation {

  private RankCorrelation() {}

  static double spearman(float[] x, float[] y) {
    double[] rx = ranks(x);
    double[] ry = ranks(y);
    double mean = (x.length + 1) / 2.0;
    double covariance = 0;
    double varianceX = 0;
    double varianceY = 0;
    for (int i = 0; i < x.length; i++) {
      covariance += (rx[i] - mean) * (ry[i] - mean);
      varianceX += (rx[i] - mean) * (rx[i] - mean);
      varianceY += (ry[i] - mean) * (ry[i] - mean);
    }
    return varianceX == 0 || varianceY == 0 ? 0 : covariance / Math.sqrt(varianceX * varianceY);
  }

  private static double[] ranks(float[] values) {
    Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[values.length];
    for (int start = 0; start < order.length; ) {
      int end = start;
      while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
        end++;
      }
      double shared = (start + end) / 2.0 + 1;
      for (int i = start; i <= end; i++) {
        ranks[order[i]] = shared;
      }
      start = end + 1;
    }
    return ranks;
  }
}
