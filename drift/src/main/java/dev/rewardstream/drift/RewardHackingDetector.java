package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * Reward hacking, seen from the labels: a policy gains reward-model score that the labelers do not grant it. The mean
 * of the scope's latest rewards must have risen by {@code rewardRise} standard deviations above its first ones (short
 * windows, {@code hackingWindow}: the exploit is to be caught while it pays, before the labels on the policy's
 * outputs have corrected the model), and the trainer's latest label agreement must show the model overrating the
 * scope's outputs against other scopes' (it expects them to win more often than the labelers chose them,
 * {@link LabelAgreement#overrating()}) by at least {@code minOverrating}, and by two standard errors of that mean over
 * at least {@code minPairs} pairs. A policy that climbs the reward honestly
 * wins its labels as the model expects; one that exploits the model does not.
 *
 * <p>The statistic is the smaller of the two conditions as a fraction of its threshold, so it crosses 1 exactly when
 * both hold. Without enough cross-scope labels (a scope that is never compared with another) it only fills its window.
 */
public final class RewardHackingDetector implements DriftDetector {

  private static final double STANDARD_ERRORS = 2;
  private static final double RISE_STANDARD_ERRORS = 3;

  private final double rewardRise;
  private final double minOverrating;
  private final int minPairs;
  private final int evaluateEvery;
  private final SampleWindows rewards;

  public RewardHackingDetector(DriftConfig config) {
    this(config.hackingRewardRise(), config.hackingMinOverrating(), config.labelMinPairs(), config.evaluateEvery(),
        new SampleWindows(config.hackingWindow(), config.hackingWindow()));
  }

  private RewardHackingDetector(double rewardRise, double minOverrating, int minPairs, int evaluateEvery,
      SampleWindows rewards) {
    this.rewardRise = rewardRise;
    this.minOverrating = minOverrating;
    this.minPairs = minPairs;
    this.evaluateEvery = evaluateEvery;
    this.rewards = rewards;
  }

  @Override
  public Verdict observe(Observation observation) {
    rewards.add(observation.reward());
    LabelAgreement labels = observation.labels();
    if (!rewards.due(evaluateEvery) || labels.crossPairs() < minPairs || Double.isNaN(labels.overrating())) {
      return Verdict.PENDING;
    }
    SampleWindows.MeanShift shift = rewards.meanShift();
    double rise = shift.inReferenceSds();
    // Short windows are noisy: the rise must also clear three standard errors of the difference of their means.
    double riseThreshold = Math.max(rewardRise, RISE_STANDARD_ERRORS * Math.sqrt(2.0 / rewards.currentSize()));
    double overratingThreshold = Math.max(minOverrating,
        STANDARD_ERRORS * LabelAgreement.standardError(labels.crossPairs()));
    double statistic = Math.min(rise / riseThreshold, labels.overrating() / overratingThreshold);
    return Verdict.of(statistic >= 1, statistic, 1, rewards.describeReference("rewards"),
        rewards.describeCurrent("rewards"),
        String.format(Locale.ROOT, "reward-model score up %.2fσ (%.3f -> %.3f) while the labelers do not follow: the "
            + "model expects these outputs to win %.0f points more often than labelers chose them, over the last %d "
            + "labelled pairs against other policies (threshold %.0f)", rise, shift.referenceMean(), shift.currentMean(),
            100 * labels.overrating(), labels.crossPairs(), 100 * overratingThreshold));
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(rewardRise);
    out.writeDouble(minOverrating);
    out.writeInt(minPairs);
    out.writeInt(evaluateEvery);
    rewards.writeTo(out);
  }

  static RewardHackingDetector readFrom(DataInput in) throws IOException {
    return new RewardHackingDetector(in.readDouble(), in.readDouble(), in.readInt(), in.readInt(),
        SampleWindows.readFrom(in));
  }
}
