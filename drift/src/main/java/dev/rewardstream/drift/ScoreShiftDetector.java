package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * Shift of the reward distribution of a scope against its reference window, by PSI or by the two-sample
 * Kolmogorov-Smirnov test. PSI weighs every part of the distribution through its quantile bins and has a
 * conventional scale; KS has an exact significance level and sees shifts smaller than PSI does at the same windows,
 * but both are evaluated many times on overlapping windows, so their per-test false-alarm rate is not the stream's.
 */
public final class ScoreShiftDetector implements DriftDetector {

  /** Which comparison of the two windows. */
  public enum Test { PSI, KS }

  private final Test test;
  private final double threshold;
  private final int psiBins;
  private final int evaluateEvery;
  private final SampleWindows windows;

  public ScoreShiftDetector(Test test, DriftConfig config) {
    this(test, test == Test.PSI ? config.psiThreshold() : config.ksAlpha(), config.psiBins(), config.evaluateEvery(),
        new SampleWindows(config.referenceSize(), config.currentSize()));
  }

  private ScoreShiftDetector(Test test, double threshold, int psiBins, int evaluateEvery, SampleWindows windows) {
    this.test = test;
    this.threshold = threshold;
    this.psiBins = psiBins;
    this.evaluateEvery = evaluateEvery;
    this.windows = windows;
  }

  @Override
  public Verdict observe(Observation observation) {
    windows.add(observation.reward());
    if (!windows.due(evaluateEvery)) {
      return Verdict.PENDING;
    }
    double[] reference = windows.sortedReference();
    double[] current = windows.sortedCurrent();
    String ref = windows.describeReference("rewards");
    String cur = windows.describeCurrent("rewards");
    // The sentence is only read when an alert is raised: formatted for drift verdicts alone.
    if (test == Test.PSI) {
      double[] edges = PopulationStabilityIndex.binEdgesOfSorted(reference, psiBins);
      double psi = PopulationStabilityIndex.psi(PopulationStabilityIndex.proportions(reference, edges),
          PopulationStabilityIndex.proportions(current, edges));
      double limit = Math.max(threshold,
          PopulationStabilityIndex.noiseFloor(reference.length, current.length, psiBins));
      return Verdict.of(psi > limit, psi, limit, ref, cur, psi <= limit ? ""
          : String.format(Locale.ROOT, "reward distribution PSI %.3f over %d reference-quantile bins (threshold %.3f)",
              psi, psiBins, limit));
    }
    double d = KolmogorovSmirnov.statisticOfSorted(reference, current);
    double critical = KolmogorovSmirnov.criticalValue(reference.length, current.length, threshold);
    return Verdict.of(d > critical, d, critical, ref, cur, d <= critical ? ""
        : String.format(Locale.ROOT, "reward distribution KS D %.3f > critical %.3f at α %s", d, critical, threshold));
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(threshold);
    out.writeInt(psiBins);
    out.writeInt(evaluateEvery);
    windows.writeTo(out);
  }

  static ScoreShiftDetector readFrom(Test test, DataInput in) throws IOException {
    return new ScoreShiftDetector(test, in.readDouble(), in.readInt(), in.readInt(), SampleWindows.readFrom(in));
  }
}
