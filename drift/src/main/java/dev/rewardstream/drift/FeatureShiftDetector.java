package dev.rewardstream.drift;

import dev.rewardstream.model.InputSketch;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * Input out-of-distribution by the feature distribution: each dimension of the scores' {@link InputSketch} (random
 * projections of the features, log count of active features) has a frozen reference window and a sliding current
 * window, compared by the two-sample Kolmogorov-Smirnov test at α / dimensions (Bonferroni, so the detector as a whole
 * keeps the KS detector's per-evaluation false-alarm level). It watches the inputs, not the rewards: new prompts, a new
 * vocabulary or a new range of states move it while the reward distribution may not have moved yet. Scores without a
 * sketch (written before it existed) are skipped.
 */
public final class FeatureShiftDetector implements DriftDetector {

  private final double alpha;
  private final int evaluateEvery;
  private final SampleWindows[] windows;

  public FeatureShiftDetector(DriftConfig config) {
    this(config.ksAlpha(), config.evaluateEvery(), fresh(config.referenceSize(), config.currentSize()));
  }

  private FeatureShiftDetector(double alpha, int evaluateEvery, SampleWindows[] windows) {
    this.alpha = alpha;
    this.evaluateEvery = evaluateEvery;
    this.windows = windows;
  }

  private static SampleWindows[] fresh(int referenceSize, int currentSize) {
    SampleWindows[] windows = new SampleWindows[InputSketch.DIMENSIONS];
    for (int d = 0; d < windows.length; d++) {
      windows[d] = new SampleWindows(referenceSize, currentSize);
    }
    return windows;
  }

  @Override
  public Verdict observe(Observation observation) {
    float[] sketch = observation.sketch();
    if (sketch == null || sketch.length != windows.length) {
      return Verdict.PENDING;
    }
    for (int d = 0; d < windows.length; d++) {
      windows[d].add(sketch[d]);
    }
    if (!windows[0].due(evaluateEvery)) {
      return Verdict.PENDING;
    }
    double perDimensionAlpha = alpha / windows.length;
    double critical = KolmogorovSmirnov.criticalValue(windows[0].referenceSize(), windows[0].currentSize(),
        perDimensionAlpha);
    int worst = 0;
    double worstD = -1;
    for (int d = 0; d < windows.length; d++) {
      double statistic = KolmogorovSmirnov.statisticOfSorted(windows[d].sortedReference(),
          windows[d].sortedCurrent());
      if (statistic > worstD) {
        worstD = statistic;
        worst = d;
      }
    }
    String dimension = worst < InputSketch.PROJECTIONS ? "random projection " + (worst + 1) : "log active features";
    return Verdict.of(worstD > critical, worstD, critical, windows[0].describeReference("inputs"),
        windows[0].describeCurrent("inputs"), worstD <= critical ? "" : String.format(Locale.ROOT, "input features moved: %s KS D %.3f > critical %.3f at α %s / %d dimensions",
            dimension, worstD, critical, alpha, windows.length));
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(alpha);
    out.writeInt(evaluateEvery);
    out.writeInt(windows.length);
    for (SampleWindows window : windows) {
      window.writeTo(out);
    }
  }

  static FeatureShiftDetector readFrom(DataInput in) throws IOException {
    double alpha = in.readDouble();
    int evaluateEvery = in.readInt();
    SampleWindows[] windows = new SampleWindows[in.readInt()];
    for (int d = 0; d < windows.length; d++) {
      windows[d] = SampleWindows.readFrom(in);
    }
    return new FeatureShiftDetector(alpha, evaluateEvery, windows);
  }
}
