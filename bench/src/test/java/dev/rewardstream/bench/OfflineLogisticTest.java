package dev.rewardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.Logistic;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OfflineLogisticTest {

  private static final int DIMENSION = 30;

  @Test
  void shouldReachTheRegularizedOptimumAndRecoverTheHiddenOrder() {
    Random random = new Random(7);
    double[] truth = new double[DIMENSION];
    for (int i = 0; i < DIMENSION; i++) {
      truth[i] = random.nextGaussian();
    }
    List<SparseVector> pairs = new ArrayList<>();
    double[] targets = new double[600];
    for (int n = 0; n < targets.length; n++) {
      SparseVector x = randomDifference(random);
      pairs.add(x);
      targets[n] = random.nextDouble() < Logistic.sigmoid(dot(truth, x)) ? 1 : 0;
    }
    double lambda = 0.01;
    double[] w = OfflineLogistic.fit(pairs, targets, DIMENSION, lambda);

    // At the optimum the objective's gradient vanishes: no coordinate can lower it.
    double[] gradient = new double[DIMENSION];
    for (int i = 0; i < DIMENSION; i++) {
      gradient[i] = lambda * w[i];
    }
    for (int n = 0; n < pairs.size(); n++) {
      SparseVector x = pairs.get(n);
      double g = (Logistic.sigmoid(OfflineLogistic.margin(w, x)) - targets[n]) / pairs.size();
      for (int k = 0; k < x.indices().length; k++) {
        gradient[x.indices()[k]] += g * x.values()[k];
      }
    }
    for (double g : gradient) {
      assertThat(Math.abs(g)).isLessThan(1e-5);
    }
    double fitted = OfflineLogistic.logLoss(w, pairs, targets);
    double[] nudged = w.clone();
    nudged[0] += 0.05;
    assertThat(fitted + lambda / 2 * squared(w)).isLessThan(OfflineLogistic.logLoss(nudged, pairs, targets)
        + lambda / 2 * squared(nudged));

    int agree = 0;
    for (int n = 0; n < 1000; n++) {
      SparseVector x = randomDifference(random);
      agree += Math.signum(OfflineLogistic.margin(w, x)) == Math.signum(dot(truth, x)) ? 1 : 0;
    }
    assertThat(agree).isGreaterThan(850);
  }

  private static SparseVector randomDifference(Random random) {
    int[] indices = new int[DIMENSION];
    double[] values = new double[DIMENSION];
    for (int i = 0; i < DIMENSION; i++) {
      indices[i] = i;
      values[i] = random.nextGaussian() * 0.3;
    }
    return new SparseVector(indices, values);
  }

  private static double dot(double[] w, SparseVector x) {
    return OfflineLogistic.margin(w, x);
  }

  private static double squared(double[] w) {
    double s = 0;
    for (double v : w) {
      s += v * v;
    }
    return s;
  }
}
