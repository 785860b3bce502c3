package dev.rewardstream.drift;

/**
 * Options of the drift detectors; {@link #defaults()} documents the chosen values and why.
 *
 * @param quietPeriod observations a scope's statistic must stay below its threshold before a raised alert resolves
 * @param persistEvery observations between two write-backs of a detector to the store (see {@link DriftProcessor})
 * @param perAgent also run every detector per agent within a policy version (scope {@code policy=v/agent=a})
 * @param adwinDelta ADWIN confidence (see {@link Adwin})
 * @param adwinClock values between two ADWIN cut checks
 * @param phDelta Page-Hinkley tolerated drift, in standard deviations (see {@link PageHinkley})
 * @param phLambda Page-Hinkley threshold, in standard deviations
 * @param phMinInstances values before Page-Hinkley may signal
 * @param referenceSize values in the frozen reference window of the window detectors
 * @param currentSize values in their sliding current window
 * @param evaluateEvery how often (in values) the window detectors compare their windows
 * @param psiBins reference-quantile bins of the PSI
 * @param psiThreshold PSI beyond which the score distribution has shifted
 * @param ksAlpha significance of the two-sample KS test at each evaluation
 * @param uncertaintyZ z statistic of the current mean uncertainty against the reference beyond which it spikes
 * @param uncertaintyRatio ... and the ratio of the two means it must exceed as well (so a tiny but very regular rise
 *     is not a spike)
 * @param lengthMinCorrelation reward/length correlation of the current window that is suspicious on its own
 * @param lengthMinRise ... and the rise over the reference window's correlation it must show as well
 * @param overoptRewardRise rise of the mean reward over the reference, in reference standard deviations
 * @param overoptAccuracyDrop fall of the live model's holdout pairwise accuracy since the reference was taken
 * @param hackingWindow reward hacking: observations in its reference window (the scope's first) and in its current one
 * @param hackingRewardRise reward hacking: rise of a scope's mean reward over its reference, in reference standard
 *     deviations...
 * @param hackingMinOverrating ...while the model expects the scope's outputs to win against other scopes' at least
 *     this much more often than the labelers chose them
 * @param labelMinPairs labelled pairs a scope's label agreement must be measured on before the label detectors judge it
 * @param labelAccuracyDrop fall of a scope's label accuracy below its reference that means its preferences changed
 * @param warmupExamples labels a model version must have learned from before its scores feed the detectors that compare
 *     scores over time (a young model moves its own scores more than any policy does)
 * @param scopeIdleTtl how long (in the scores' event time) a scope may go without observations before its detectors
 *     are deleted and its open alerts resolved: a retired policy version's state would otherwise stay forever
 */
public record DriftConfig(long quietPeriod, int persistEvery, boolean perAgent, double adwinDelta, int adwinClock,
    double phDelta, double phLambda, int phMinInstances, int referenceSize, int currentSize, int evaluateEvery,
    int psiBins, double psiThreshold, double ksAlpha, double uncertaintyZ, double uncertaintyRatio,
    double lengthMinCorrelation, double lengthMinRise, double overoptRewardRise, double overoptAccuracyDrop,
    int hackingWindow, double hackingRewardRise, double hackingMinOverrating, int labelMinPairs,
    double labelAccuracyDrop, long warmupExamples, java.time.Duration scopeIdleTtl) {

  public DriftConfig {
    atLeast("quietPeriod", quietPeriod, 0);
    atLeast("persistEvery", persistEvery, 1);
    atLeast("adwinClock", adwinClock, 1);
    atLeast("phMinInstances", phMinInstances, 1);
    atLeast("referenceSize", referenceSize, 2);
    atLeast("currentSize", currentSize, 2);
    atLeast("evaluateEvery", evaluateEvery, 1);
    atLeast("psiBins", psiBins, 2);
    atLeast("labelMinPairs", labelMinPairs, 1);
    atLeast("hackingWindow", hackingWindow, 2);
    atLeast("warmupExamples", warmupExamples, 0);
    if (!(hackingMinOverrating >= 0 && hackingMinOverrating <= 1)
        || !(labelAccuracyDrop >= 0 && labelAccuracyDrop <= 1)) {
      throw new IllegalArgumentException("hackingMinOverrating and labelAccuracyDrop must be in [0, 1], got "
          + hackingMinOverrating + ", " + labelAccuracyDrop);
    }
    probability("adwinDelta", adwinDelta);
    probability("ksAlpha", ksAlpha);
    for (double positive : new double[] {phDelta, phLambda, psiThreshold, uncertaintyZ, uncertaintyRatio,
        overoptRewardRise, hackingRewardRise}) {
      if (!(positive >= 0) || !Double.isFinite(positive)) {
        throw new IllegalArgumentException("drift thresholds must be finite and ≥ 0, got " + positive);
      }
    }
    if (!(Math.abs(lengthMinCorrelation) <= 1) || !(Math.abs(lengthMinRise) <= 2)
        || !(overoptAccuracyDrop >= 0 && overoptAccuracyDrop <= 1)) {
      throw new IllegalArgumentException("a correlation must be in [-1, 1], its rise in [-2, 2] and an accuracy drop in"
          + " [0, 1], got " + lengthMinCorrelation + ", " + lengthMinRise + ", " + overoptAccuracyDrop);
    }
    if (scopeIdleTtl.isNegative() || scopeIdleTtl.isZero()) {
      throw new IllegalArgumentException("scopeIdleTtl must be positive, got " + scopeIdleTtl);
    }
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
    }
  }

  private static void probability(String name, double value) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1), got " + value);
    }
  }

  /**
   * ADWIN δ = 0.002 checked at every value and Page-Hinkley δ = 0.1σ, λ = 60 (delays and false alarms measured by
   * {@code DetectorBench}); windows of 500 + 500 values compared every 50, where a stationary PSI is ≈ 0.04 (threshold
   * 0.25) and KS at α = 10^-4 needs D > 0.14 (a ≈ 0.4σ shift); a reward/length correlation of 0.4 that rose by 0.25
   * (≈ 5 standard errors of r at 500 values); overoptimization when the mean reward rose by 0.5σ while holdout accuracy
   * fell by 5 points; reward hacking when the mean of a scope's latest 100 rewards rose by 0.25σ above its first
   * 100 (short windows: a policy that learns to exploit the model usually starts doing so soon after it starts, and the
   * labels correct the model within minutes) while the model overrates the scope's outputs by 10 points of win
   * probability and two standard errors over at least 50 cross-scope labelled pairs (two, not three: the two
   * conditions must hold together); preferences
   * changed when the label accuracy fell 10 points (and 3 standard errors) below the best it reached;
   * the score detectors start once the scoring version has learned from 500 labels; an alert resolves
   * after 2,000 quiet observations; detectors are written back every 50; a scope idle for 7 days is forgotten.
   */
  public static DriftConfig defaults() {
    return new DriftConfig(2_000, 50, false, 0.002, 1, 0.1, 60, 30, 500, 500, 50, 10, 0.25, 1e-4, 5, 1.5, 0.4, 0.25,
        0.5, 0.05, 100, 0.25, 0.1, 50, 0.1, 500, java.time.Duration.ofDays(7));
  }

  public DriftConfig withQuietPeriod(long observations) {
    return new DriftConfig(observations, persistEvery, perAgent, adwinDelta, adwinClock, phDelta, phLambda,
        phMinInstances,
        referenceSize, currentSize, evaluateEvery, psiBins, psiThreshold, ksAlpha, uncertaintyZ, uncertaintyRatio,
        lengthMinCorrelation, lengthMinRise, overoptRewardRise, overoptAccuracyDrop,
        hackingWindow, hackingRewardRise, hackingMinOverrating, labelMinPairs, labelAccuracyDrop, warmupExamples, scopeIdleTtl);
  }

  public DriftConfig withWindows(int reference, int current, int every) {
    return new DriftConfig(quietPeriod, persistEvery, perAgent, adwinDelta, adwinClock, phDelta, phLambda,
        phMinInstances,
        reference, current, every, psiBins, psiThreshold, ksAlpha, uncertaintyZ, uncertaintyRatio,
        lengthMinCorrelation, lengthMinRise, overoptRewardRise, overoptAccuracyDrop,
        hackingWindow, hackingRewardRise, hackingMinOverrating, labelMinPairs, labelAccuracyDrop, warmupExamples, scopeIdleTtl);
  }

  public DriftConfig withPerAgent(boolean enabled) {
    return new DriftConfig(quietPeriod, persistEvery, enabled, adwinDelta, adwinClock, phDelta, phLambda,
        phMinInstances,
        referenceSize, currentSize, evaluateEvery, psiBins, psiThreshold, ksAlpha, uncertaintyZ, uncertaintyRatio,
        lengthMinCorrelation, lengthMinRise, overoptRewardRise, overoptAccuracyDrop,
        hackingWindow, hackingRewardRise, hackingMinOverrating, labelMinPairs, labelAccuracyDrop, warmupExamples, scopeIdleTtl);
  }

  public DriftConfig withScopeIdleTtl(java.time.Duration ttl) {
    return new DriftConfig(quietPeriod, persistEvery, perAgent, adwinDelta, adwinClock, phDelta, phLambda,
        phMinInstances,
        referenceSize, currentSize, evaluateEvery, psiBins, psiThreshold, ksAlpha, uncertaintyZ, uncertaintyRatio,
        lengthMinCorrelation, lengthMinRise, overoptRewardRise, overoptAccuracyDrop,
        hackingWindow, hackingRewardRise, hackingMinOverrating, labelMinPairs, labelAccuracyDrop, warmupExamples, ttl);
  }
}
