package dev.rewardstream.bench;

import dev.rewardstream.model.Logistic;
import java.util.List;

/**
 * L2-regularized logistic (Bradley-Terry) regression fitted offline on all labels at once: mean log-loss + λ/2·‖w‖²,
 * minimized by Nesterov-accelerated full-batch gradient descent. The memorization reference: what the textbook batch
 * learner, with λ chosen by cross-validation on the labels, gives up to memorization on pairs it trained on.
 */
final class OfflineLogistic {

  static final int MAX_ITERATIONS = 2000;
  private static final double GRADIENT_TOLERANCE = 1e-6;

  private OfflineLogistic() {}

  /** Weights fitted on {@code differences} (x_A − x_B) with {@code targets} (1: A preferred, 0: B, ½: tie). */
  static double[] fit(List<SparseVector> differences, double[] targets, int dimension, double lambda) {
    double maxSquaredNorm = 0;
    for (SparseVector x : differences) {
      double s = 0;
      for (double v : x.values()) {
        s += v * v;
      }
      maxSquaredNorm = Math.max(maxSquaredNorm, s);
    }
    // The mean log-loss's gradient is (max ‖x‖² / 4)-Lipschitz; the penalty adds λ.
    double step = 1 / (maxSquaredNorm / 4 + lambda);
    double[] w = new double[dimension];
    double[] previous = new double[dimension];
    double[] look = new double[dimension];
    double[] gradient = new double[dimension];
    for (int t = 1; t <= MAX_ITERATIONS; t++) {
      double momentum = (t - 1.0) / (t + 2.0);
      for (int i = 0; i < dimension; i++) {
        look[i] = w[i] + momentum * (w[i] - previous[i]);
      }
      double norm = gradient(differences, targets, lambda, look, gradient);
      System.arraycopy(w, 0, previous, 0, dimension);
      for (int i = 0; i < dimension; i++) {
        w[i] = look[i] - step * gradient[i];
      }
      if (norm < GRADIENT_TOLERANCE) {
        break;
      }
    }
    return w;
  }

  static double margin(double[] w, SparseVector x) {
    double z = 0;
    int[] indices = x.indices();
    double[] values = x.values();
    for (int k = 0; k < indices.length; k++) {
      z += w[indices[k]] * values[k];
    }
    return z;
  }

  /** Mean log-loss of {@code w} on the pairs, against their labels. */
  static double logLoss(double[] w, List<SparseVector> differences, double[] targets) {
    double loss = 0;
    for (int n = 0; n < differences.size(); n++) {
      double z = margin(w, differences.get(n));
      double p = Logistic.sigmoid(z);
      double eps = 1e-12;
      loss -= targets[n] * Math.log(p + eps) + (1 - targets[n]) * Math.log(1 - p + eps);
    }
    return loss / differences.size();
  }

  /** Fills {@code into} with the objective's gradient at w and returns its Euclidean norm. */
  private static double gradient(List<SparseVector> differences, double[] targets, double lambda, double[] w,
      double[] into) {
    int size = differences.size();
    for (int i = 0; i < into.length; i++) {
      into[i] = lambda * w[i];
    }
    for (int n = 0; n < size; n++) {
      SparseVector x = differences.get(n);
      double g = (Logistic.sigmoid(margin(w, x)) - targets[n]) / size;
      int[] indices = x.indices();
      double[] values = x.values();
      for (int k = 0; k < indices.length; k++) {
        into[indices[k]] += g * values[k];
      }
    }
    double s = 0;
    for (double v : into) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
