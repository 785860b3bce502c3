package dev.rewardstream.trainer;

import dev.rewardstream.model.Logistic;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.TrainingExample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holdout metrics of one model on a set of examples, computed from its per-side rewards, so a candidate and the live
 * version are measured by the same code.
 *
 * @param pairwiseAccuracy share of non-tie pairs where the preferred side gets the higher reward
 * @param logLoss mean Bradley-Terry negative log-likelihood over all pairs (ties as 0.5 targets)
 * @param regressionMse mean squared error on pointwise examples (NaN when there are none)
 * @param rewardMean mean reward over every side of every example: the reference for normalized scores
 * @param rewardStd standard deviation of those rewards
 * @param expectedCalibrationError how far the Bradley-Terry preference probability σ(rA − rB) is from the observed
 *     frequency: confidence-binned (10 bins over [0.5, 1]) |accuracy − confidence|, weighted by bin size
 */
public record Evaluation(int pairs, double pairwiseAccuracy, double logLoss, int points, double regressionMse,
    double rewardMean, double rewardStd, double expectedCalibrationError) {

  private static final int CALIBRATION_BINS = 10;

  /** {@code sideRewards[i]} is (rA, rB) of pairwise example i, or (r, NaN) of a pointwise one. */
  public static Evaluation of(List<TrainingExample> examples, double[][] sideRewards) {
    int pairs = 0;
    int decided = 0;
    int correct = 0;
    double logLoss = 0;
    int points = 0;
    double squaredError = 0;
    double sum = 0;
    double sumSq = 0;
    int rewards = 0;
    int[] binCount = new int[CALIBRATION_BINS];
    int[] binCorrect = new int[CALIBRATION_BINS];
    double[] binConfidence = new double[CALIBRATION_BINS];
    for (int i = 0; i < examples.size(); i++) {
      TrainingExample example = examples.get(i);
      double[] r = sideRewards[i];
      if (example.getKind() == ExampleKind.PAIRWISE) {
        pairs++;
        double t = example.getTarget();
        double d = r[0] - r[1];
        logLoss += -(t * Logistic.logSigmoid(d) + (1 - t) * Logistic.logSigmoid(-d));
        if (t != 0.5) {
          decided++;
          boolean right = (d > 0) == (t > 0.5);
          if (right) {
            correct++;
          }
          double confidence = 1.0 / (1.0 + Math.exp(-Math.abs(d)));
          int bin = Math.min(CALIBRATION_BINS - 1, (int) ((confidence - 0.5) * 2 * CALIBRATION_BINS));
          binCount[bin]++;
          binCorrect[bin] += right ? 1 : 0;
          binConfidence[bin] += confidence;
        }
        sum += r[0] + r[1];
        sumSq += r[0] * r[0] + r[1] * r[1];
        rewards += 2;
      } else {
        points++;
        squaredError += (r[0] - example.getTarget()) * (r[0] - example.getTarget());
        sum += r[0];
        sumSq += r[0] * r[0];
        rewards++;
      }
    }
    double mean = rewards == 0 ? 0 : sum / rewards;
    double variance = rewards == 0 ? 0 : Math.max(0, sumSq / rewards - mean * mean);
    double ece = 0;
    for (int b = 0; b < CALIBRATION_BINS; b++) {
      if (binCount[b] > 0) {
        ece += (double) binCount[b] / decided
            * Math.abs((double) binCorrect[b] / binCount[b] - binConfidence[b] / binCount[b]);
      }
    }
    return new Evaluation(pairs, decided == 0 ? Double.NaN : (double) correct / decided,
        pairs == 0 ? Double.NaN : logLoss / pairs, points, points == 0 ? Double.NaN : squaredError / points, mean,
        Math.sqrt(variance), decided == 0 ? Double.NaN : ece);
  }

  /**
   * Accuracy (pairs) and mean squared error (ratings) of each attribute head on its own labels, keyed
   * {@link VersionMetrics#ofAttribute}; empty for a single-head model.
   */
  public static Map<String, Double> perAttribute(List<TrainingExample> examples, double[][] sideRewards,
      RewardAttributes attributes) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int h = 0; attributes.named() && h < attributes.heads(); h++) {
      List<TrainingExample> own = new java.util.ArrayList<>();
      List<double[]> rewards = new java.util.ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        if (attributes.headOf(examples.get(i).getAttribute()) == h) {
          own.add(examples.get(i));
          rewards.add(sideRewards[i]);
        }
      }
      Evaluation head = of(own, rewards.toArray(new double[0][]));
      String name = attributes.names().get(h);
      metrics.put(VersionMetrics.ofAttribute(VersionMetrics.HOLDOUT_PAIRS, name), (double) head.pairs());
      put(metrics, VersionMetrics.ofAttribute(VersionMetrics.PAIRWISE_ACCURACY, name), head.pairwiseAccuracy());
      metrics.put(VersionMetrics.ofAttribute(VersionMetrics.HOLDOUT_POINTS, name), (double) head.points());
      put(metrics, VersionMetrics.ofAttribute(VersionMetrics.REGRESSION_MSE, name), head.regressionMse());
    }
    return metrics;
  }

  /** Metrics for the model-update event; NaNs are left out. */
  public Map<String, Double> asMetrics() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(VersionMetrics.HOLDOUT_PAIRS, (double) pairs);
    put(metrics, VersionMetrics.PAIRWISE_ACCURACY, pairwiseAccuracy);
    put(metrics, VersionMetrics.LOG_LOSS, logLoss);
    metrics.put(VersionMetrics.HOLDOUT_POINTS, (double) points);
    put(metrics, VersionMetrics.REGRESSION_MSE, regressionMse);
    put(metrics, VersionMetrics.CALIBRATION_ECE, expectedCalibrationError);
    return metrics;
  }

  private static void put(Map<String, Double> metrics, String name, double value) {
    if (!Double.isNaN(value)) {
      metrics.put(name, value);
    }
  }
}
