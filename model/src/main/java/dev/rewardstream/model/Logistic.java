package dev.rewardstream.model;

/** The logistic function and its logarithm in forms that neither overflow nor lose precision far from 0. */
public final class Logistic {

  private Logistic() {}

  /** σ(x) = 1 / (1 + e^−x). */
  public static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  /** log σ(x). */
  public static double logSigmoid(double x) {
    return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
  }
}
