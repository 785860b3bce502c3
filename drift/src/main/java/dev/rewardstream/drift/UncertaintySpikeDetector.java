package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * Inputs out of the reward model's distribution, seen through its ensemble: members agree on inputs like their
 * training data and disagree off it, so a rise of the mean uncertainty is the cheapest out-of-distribution signal.
 * The test is a one-sided Welch z of the current window's mean uncertainty against the reference window's, and the
 * current mean must also exceed the reference mean by a ratio, since on 500 values a rise of a few percent is already
 * "significant" but not a spike. A single-model scorer reports uncertainty 0 everywhere: z is 0 and this stays quiet.
 */
public final class UncertaintySpikeDetector implements DriftDetector {

  private final double zThreshold;
  private final double ratio;
  private final int evaluateEvery;
  private final SampleWindows windows;

  public UncertaintySpikeDetector(DriftConfig config) {
    this(config.uncertaintyZ(), config.uncertaintyRatio(), config.evaluateEvery(),
        new SampleWindows(config.referenceSize(), config.currentSize()));
  }

  private UncertaintySpikeDetector(double zThreshold, double ratio, int evaluateEvery, SampleWindows windows) {
    this.zThreshold = zThreshold;
    this.ratio = ratio;
    this.evaluateEvery = evaluateEvery;
    this.windows = windows;
  }

  @Override
  public Verdict observe(Observation observation) {
    windows.add(observation.uncertainty());
    if (!windows.due(evaluateEvery)) {
      return Verdict.PENDING;
    }
    double[] reference = windows.reference();
    double[] current = windows.current();
    double referenceMean = Stats.mean(reference);
    double currentMean = Stats.mean(current);
    double standardError = Math.sqrt(Stats.variance(reference) / reference.length
        + Stats.variance(current) / current.length);
    double z = standardError > 0 ? (currentMean - referenceMean) / standardError : 0;
    boolean spike = z > zThreshold && currentMean > ratio * referenceMean;
    return Verdict.of(spike, z, zThreshold, windows.describeReference("uncertainty"),
        windows.describeCurrent("uncertainty"),
        String.format(Locale.ROOT, "mean ensemble uncertainty %.4f vs %.4f in the reference (z %.1f, ratio %.2f)",
            currentMean, referenceMean, z, referenceMean > 0 ? currentMean / referenceMean : Double.POSITIVE_INFINITY));
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(zThreshold);
    out.writeDouble(ratio);
    out.writeInt(evaluateEvery);
    windows.writeTo(out);
  }

  static UncertaintySpikeDetector readFrom(DataInput in) throws IOException {
    return new UncertaintySpikeDetector(in.readDouble(), in.readDouble(), in.readInt(), SampleWindows.readFrom(in));
  }
}
