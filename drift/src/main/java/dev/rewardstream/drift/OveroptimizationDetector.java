package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * Overoptimization (Gao et al. 2023): the policy climbs the proxy reward while the proxy stops tracking what it stands
 * for. The scorer cannot see the true reward, but it sees the live reward model's holdout pairwise accuracy on fresh
 * preference pairs: when the mean reward of the current window has risen by {@code rewardRise} reference standard
 * deviations while that accuracy has fallen by {@code accuracyDrop} since the reference window was taken, the rise is
 * suspect. The statistic is the smaller of the two conditions as a fraction of its threshold, so it crosses 1 exactly
 * when both hold. Observations before any accuracy is known only fill the windows.
 */
public final class OveroptimizationDetector implements DriftDetector {

  private final double rewardRise;
  private final double accuracyDrop;
  private final int evaluateEvery;
  private final SampleWindows rewards;
  private double referenceAccuracy = Double.NaN;

  public OveroptimizationDetector(DriftConfig config) {
    this(config.overoptRewardRise(), config.overoptAccuracyDrop(), config.evaluateEvery(),
        new SampleWindows(config.referenceSize(), config.currentSize()));
  }

  private OveroptimizationDetector(double rewardRise, double accuracyDrop, int evaluateEvery, SampleWindows rewards) {
    this.rewardRise = rewardRise;
    this.accuracyDrop = accuracyDrop;
    this.evaluateEvery = evaluateEvery;
    this.rewards = rewards;
  }

  @Override
  public Verdict observe(Observation observation) {
    rewards.add(observation.reward());
    double accuracy = observation.holdoutAccuracy();
    // The reference accuracy is the one in force when the reference window closes (or the first known after it).
    if (!Double.isNaN(accuracy) && (Double.isNaN(referenceAccuracy) || !rewards.referenceFull())) {
      referenceAccuracy = accuracy;
    }
    if (!rewards.due(evaluateEvery) || Double.isNaN(accuracy) || Double.isNaN(referenceAccuracy)) {
      return Verdict.PENDING;
    }
    SampleWindows.MeanShift shift = rewards.meanShift();
    double rise = shift.inReferenceSds();
    double drop = referenceAccuracy - accuracy;
    double statistic = Math.min(rise / rewardRise, drop / accuracyDrop);
    return Verdict.of(statistic >= 1, statistic, 1, rewards.describeReference("rewards"),
        rewards.describeCurrent("rewards"),
        String.format(Locale.ROOT,
            "mean reward up %.2fσ (%.3f -> %.3f) while holdout pairwise accuracy fell %.3f -> %.3f",
            rise, shift.referenceMean(), shift.currentMean(), referenceAccuracy, accuracy));
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(rewardRise);
    out.writeDouble(accuracyDrop);
    out.writeInt(evaluateEvery);
    out.writeDouble(referenceAccuracy);
    rewards.writeTo(out);
  }

  static OveroptimizationDetector readFrom(DataInput in) throws IOException {
    double rewardRise = in.readDouble();
    double accuracyDrop = in.readDouble();
    int evaluateEvery = in.readInt();
    double referenceAccuracy = in.readDouble();
    OveroptimizationDetector detector = new OveroptimizationDetector(rewardRise, accuracyDrop, evaluateEvery,
        SampleWindows.readFrom(in));
    detector.referenceAccuracy = referenceAccuracy;
    return detector;
  }
}
