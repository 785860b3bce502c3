package dev.rewardstream.drift;

/**
 * How the reward model agreed with the labelers on one scope's outputs, as the trainer published it with the model
 * version (see {@code VersionMetrics.LABEL_*}).
 *
 * @param pairs labelled pairs involving the scope's outputs, most recent first, up to the trainer's window
 * @param accuracy share of them the model ordered as the labelers did; NaN when unknown
 * @param crossPairs those that compared the scope's output with another scope's
 * @param overrating over those, the mean of P_model(the scope's output wins) − label; NaN when unknown
 */
public record LabelAgreement(int pairs, double accuracy, int crossPairs, double overrating) {

  public static final LabelAgreement UNKNOWN = new LabelAgreement(0, Double.NaN, 0, Double.NaN);

  /** The standard error of a mean of {@code n} values in [-1, 1] with a spread of at most one half: ≤ 0.5/√n. */
  static double standardError(int n) {
    return n == 0 ? Double.POSITIVE_INFINITY : 0.5 / Math.sqrt(n);
  }
}
