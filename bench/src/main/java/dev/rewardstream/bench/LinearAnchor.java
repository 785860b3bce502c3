package dev.rewardstream.bench;

import dev.rewardstream.model.Logistic;

/**
 * The label-efficiency yardsticks: single-pass online logistic (Bradley-Terry) regression on a pair's feature
 * difference x_A − x_B, one update per label as it arrives, with textbook settings rather than tuned ones, so a learner
 * that beats them has learned more per label than the standard recipe, not than a straw man.
 */
abstract sealed class LinearAnchor permits LinearAnchor.Sgd, LinearAnchor.Ftrl {

  abstract double weight(int i);

  /** Learns from one pair: target 1 when A was preferred, 0 when B was, ½ for a tie. */
  abstract void learn(SparseVector difference, double target);

  abstract String describe();

  /** rA − rB. */
  final double margin(SparseVector difference) {
    double z = 0;
    int[] indices = difference.indices();
    double[] values = difference.values();
    for (int k = 0; k < indices.length; k++) {
      z += weight(indices[k]) * values[k];
    }
    return z;
  }

  /** Plain stochastic gradient descent on the log-loss, constant learning rate. */
  static final class Sgd extends LinearAnchor {

    private final double learningRate;
    private final double[] w;

    Sgd(int dimension, double learningRate) {
      this.learningRate = learningRate;
      this.w = new double[dimension];
    }

    @Override
    double weight(int i) {
      return w[i];
    }

    @Override
    void learn(SparseVector difference, double target) {
      double g = Logistic.sigmoid(margin(difference)) - target;
      int[] indices = difference.indices();
      double[] values = difference.values();
      for (int k = 0; k < indices.length; k++) {
        w[indices[k]] -= learningRate * g * values[k];
      }
    }

    @Override
    String describe() {
      return "SGD, learning rate " + learningRate;
    }
  }

  /** FTRL-Proximal, per coordinate (McMahan et al. 2013, Algorithm 1). */
  static final class Ftrl extends LinearAnchor {

    private final double alpha;
    private final double beta;
    private final double l1;
    private final double l2;
    private final double[] z;
    private final double[] n;

    Ftrl(int dimension, double alpha, double beta, double l1, double l2) {
      this.alpha = alpha;
      this.beta = beta;
      this.l1 = l1;
      this.l2 = l2;
      this.z = new double[dimension];
      this.n = new double[dimension];
    }

    @Override
    double weight(int i) {
      double zi = z[i];
      if (Math.abs(zi) <= l1) {
        return 0;
      }
      return -(zi - Math.signum(zi) * l1) / ((beta + Math.sqrt(n[i])) / alpha + l2);
    }

    @Override
    void learn(SparseVector difference, double target) {
      double g = Logistic.sigmoid(margin(difference)) - target;
      int[] indices = difference.indices();
      double[] values = difference.values();
      for (int k = 0; k < indices.length; k++) {
        int i = indices[k];
        double gi = g * values[k];
        double sigma = (Math.sqrt(n[i] + gi * gi) - Math.sqrt(n[i])) / alpha;
        z[i] += gi - sigma * weight(i);
        n[i] += gi * gi;
      }
    }

    @Override
    String describe() {
      return "FTRL-Proximal, α " + alpha + ", β " + beta + ", λ1 " + l1 + ", λ2 " + l2;
    }
  }
}
