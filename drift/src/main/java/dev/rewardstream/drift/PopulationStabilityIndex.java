package dev.rewardstream.drift;

import java.util.Arrays;

/**
 * Population stability index: {@code PSI = Σ (c_i - r_i) ln(c_i / r_i)} over bins whose edges are the reference
 * sample's quantiles, so each bin holds 1/B of the reference. Empty bins count as a proportion of 10^-4 (the usual
 * convention) so one empty bin does not make the index infinite. Rule of thumb: below 0.1 stable, 0.1-0.25 a moderate
 * shift, above 0.25 a significant one. With B bins and windows of n and m values, a stationary stream gives about
 * (B - 1)(1/n + 1/m), e.g. 0.036 for 10 bins and 500 + 500 values, far below 0.25.
 */
public final class PopulationStabilityIndex {

  static final double EMPTY_BIN = 1e-4;

  private PopulationStabilityIndex() {}

  /** The B - 1 inner edges: the reference's k/B quantiles (nearest rank). */
  public static double[] binEdges(double[] reference, int bins) {
    double[] sorted = reference.clone();
    Arrays.sort(sorted);
    return binEdgesOfSorted(sorted, bins);
  }

  /** {@link #binEdges} of a reference already in ascending order. */
  public static double[] binEdgesOfSorted(double[] sorted, int bins) {
    double[] edges = new double[bins - 1];
    for (int k = 1; k < bins; k++) {
      edges[k - 1] = sorted[(int) Math.min(sorted.length - 1, Math.ceil((double) k * sorted.length / bins) - 1)];
    }
    return edges;
  }

  /** Proportion of {@code values} in each bin; bin i holds edges[i-1] < x <= edges[i]. */
  public static double[] proportions(double[] values, double[] edges) {
    double[] counts = new double[edges.length + 1];
    for (double value : values) {
      int at = Arrays.binarySearch(edges, value);
      int bin = at >= 0 ? firstEqual(edges, at) : -at - 1;
      counts[bin]++;
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] /= values.length;
    }
    return counts;
  }

  private static int firstEqual(double[] edges, int at) {
    while (at > 0 && edges[at - 1] == edges[at]) {
      at--;
    }
    return at;
  }

  public static double psi(double[] referenceProportions, double[] currentProportions) {
    double psi = 0;
    for (int i = 0; i < referenceProportions.length; i++) {
      double r = Math.max(referenceProportions[i], EMPTY_BIN);
      double c = Math.max(currentProportions[i], EMPTY_BIN);
      psi += (c - r) * Math.log(c / r);
    }
    return psi;
  }

  /**
   * The PSI that sampling noise alone reaches with probability 10^-4: for two samples from one distribution
   * {@code PSI ≈ (1/n + 1/m) χ²(B - 1)} (PSI is a symmetrized Kullback-Leibler divergence, and 2 n KL is χ²), with the
   * χ² quantile from the Wilson-Hilferty approximation at z = 3.719. The fixed 0.25 of the rule of thumb assumes
   * thousands of values; on 200 + 200 values noise alone reaches it every few thousand evaluations, so a detector uses
   * the larger of the two.
   */
  public static double noiseFloor(int n, int m, int bins) {
    double k = bins - 1;
    double z = 3.719;
    double chiSquare = k * Math.pow(1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k)), 3);
    return (1.0 / n + 1.0 / m) * chiSquare;
  }

  /** PSI of {@code current} against {@code reference}, with {@code bins} reference-quantile bins. */
  public static double psi(double[] reference, double[] current, int bins) {
    double[] edges = binEdges(reference, bins);
    return psi(proportions(reference, edges), proportions(current, edges));
  }
}
