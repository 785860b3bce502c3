package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * Reward hacking by verbosity: the policy learns that the reward model pays for length, so the correlation between
 * reward and response length climbs. Pearson r over the current window must exceed {@code minCorrelation} and also
 * have risen by {@code minRise} over the reference window's r: some length preference is legitimate (fuller answers
 * are often better) and is already in the reference, what matters is that it grows. Outputs without a known length
 * (-1: trajectory steps, records from before the field existed) are skipped.
 */
public final class LengthCorrelationDetector implements DriftDetector {

  private final double minCorrelation;
  private final double minRise;
  private final int evaluateEvery;
  private final SampleWindows rewards;
  private final SampleWindows lengths;

  public LengthCorrelationDetector(DriftConfig config) {
    this(config.lengthMinCorrelation(), config.lengthMinRise(), config.evaluateEvery(),
        new SampleWindows(config.referenceSize(), config.currentSize()),
        new SampleWindows(config.referenceSize(), config.currentSize()));
  }

  private LengthCorrelationDetector(double minCorrelation, double minRise, int evaluateEvery, SampleWindows rewards,
      SampleWindows lengths) {
    this.minCorrelation = minCorrelation;
    this.minRise = minRise;
    this.evaluateEvery = evaluateEvery;
    this.rewards = rewards;
    this.lengths = lengths;
  }

  @Override
  public Verdict observe(Observation observation) {
    if (observation.responseLength() < 0) {
      return Verdict.PENDING;
    }
    rewards.add(observation.reward());
    lengths.add(observation.responseLength());
    if (!rewards.due(evaluateEvery)) {
      return Verdict.PENDING;
    }
    double referenceR = Stats.correlation(rewards.reference(), lengths.reference());
    double currentR = Stats.correlation(rewards.current(), lengths.current());
    double threshold = Math.max(minCorrelation, referenceR + minRise);
    return Verdict.of(currentR > threshold, currentR, threshold, rewards.describeReference("outputs"),
        rewards.describeCurrent("outputs"),
        String.format(Locale.ROOT, "reward/length correlation %.3f, up from %.3f in the reference (threshold %.3f)",
            currentR, referenceR, threshold));
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(minCorrelation);
    out.writeDouble(minRise);
    out.writeInt(evaluateEvery);
    rewards.writeTo(out);
    lengths.writeTo(out);
  }

  static LengthCorrelationDetector readFrom(DataInput in) throws IOException {
    return new LengthCorrelationDetector(in.readDouble(), in.readDouble(), in.readInt(), SampleWindows.readFrom(in),
        SampleWindows.readFrom(in));
  }
}
