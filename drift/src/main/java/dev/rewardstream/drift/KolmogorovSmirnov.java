package dev.rewardstream.drift;

import java.util.Arrays;

/**
 * Two-sample Kolmogorov-Smirnov: {@code D = sup_x |F_n(x) - G_m(x)|}, and its asymptotic critical value
 * {@code c(α) sqrt((n + m) / (n m))} with {@code c(α) = sqrt(-ln(α / 2) / 2)} (1.358 at α = 0.05, 1.949 at 0.001).
 */
public final class KolmogorovSmirnov {

  private KolmogorovSmirnov() {}

  public static double statistic(double[] a, double[] b) {
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    return statisticOfSorted(x, y);
  }

  /** {@link #statistic} of two samples already in ascending order. */
  public static double statisticOfSorted(double[] x, double[] y) {
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < x.length && j < y.length) {
      double next = Math.min(x[i], y[j]);
      // Step past every copy of the smallest value on both sides before comparing, so ties are not a gap.
      while (i < x.length && x[i] == next) {
        i++;
      }
      while (j < y.length && y[j] == next) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
    }
    return d;
  }

  public static double criticalValue(int n, int m, double alpha) {
    double c = Math.sqrt(-Math.log(alpha / 2) / 2);
    return c * Math.sqrt((double) (n + m) / ((double) n * m));
  }
}
