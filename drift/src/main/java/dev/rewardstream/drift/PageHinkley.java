package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * Two-sided Page-Hinkley test (Page 1954; Hinkley 1971) on the standardized stream: with the running mean x̄ and
 * standard deviation s of the values since the last change, {@code z = (x - x̄) / s},
 * {@code U = max(0, U + z - δ)} and {@code D = max(0, D - z - δ)} (the cumulative deviation minus its running
 * minimum, in CUSUM form); a change is signalled when U or D exceeds λ, and the test restarts.
 *
 * <p>Standardizing makes δ and λ read in standard deviations, so one setting serves rewards of any scale (MOA's
 * Page-Hinkley works on raw values, so its λ = 50 means something else for every stream).
 * <ul>
 *   <li>{@code delta} (default 0.1): the tolerated drift per value; shifts smaller than δ are never detected, and
 *       a shift s is detected after about λ / (s - δ) values, so δ should be about half the smallest shift worth
 *       an alert.
 *   <li>{@code lambda} (default 60): the alarm threshold. The mean time between false alarms of a one-sided CUSUM
 *       grows like exp(2 δ λ) / (2 δ²), so λ buys false-alarm freedom linearly in delay: λ = 60 gives well under one
 *       false alarm per 10^6 stationary values at δ = 0.1, at the price of ~ 60 / (s - 0.1) values of delay.
 *   <li>{@code minInstances} (default 30): values seen before the first alarm, so x̄ and s are estimates and not
 *       noise.
 * </ul>
 * Against ADWIN: Page-Hinkley is O(1) per value, but it has one fixed operating point while ADWIN adapts its window
 * to the shift. Delays and false alarms of both, against MOA's, are in the {@code drift-detectors} section of
 * {@code docs/bench/report.md}.
 */
public final class PageHinkley implements DriftDetector {

  private final double delta;
  private final double lambda;
  private final int minInstances;
  private long count;
  private double mean;
  private double sumSquares;
  private double up;
  private double down;
  private double alarm;

  public PageHinkley(double delta, double lambda, int minInstances) {
    if (delta < 0 || lambda <= 0 || minInstances < 2) {
      throw new IllegalArgumentException("need delta >= 0, lambda > 0, minInstances >= 2");
    }
    this.delta = delta;
    this.lambda = lambda;
    this.minInstances = minInstances;
  }

  /** Adds a value; returns whether a change in the mean was detected (the test then restarts). */
  public boolean add(double value) {
    count++;
    double previousMean = mean;
    mean += (value - mean) / count;
    sumSquares += (value - previousMean) * (value - mean);
    if (count < 2) {
      return false;
    }
    double sd = Math.sqrt(sumSquares / (count - 1));
    double z = sd > 0 ? (value - mean) / sd : 0;
    up = Math.max(0, up + z - delta);
    down = Math.max(0, down - z - delta);
    if (count >= minInstances && (up > lambda || down > lambda)) {
      alarm = Math.max(up, down);
      reset();
      return true;
    }
    return false;
  }

  @Override
  public Verdict observe(Observation observation) {
    long seen = count + 1;
    if (!add(observation.reward())) {
      return Verdict.of(false, statistic(), lambda, null, null, "");
    }
    return Verdict.of(true, alarm, lambda, "the " + seen + " rewards since the last change", "latest reward",
        String.format(Locale.ROOT, "cumulative standardized deviation of the mean reward %.1f > λ %.1f (δ %.2fσ)",
            alarm, lambda, delta));
  }

  /** The larger of the two cumulative statistics, compared with {@link #lambda()}. */
  public double statistic() {
    return Math.max(up, down);
  }

  /** The statistic that crossed λ at the last detection (the test restarts at 0 right after). */
  public double alarmStatistic() {
    return alarm;
  }

  public double lambda() {
    return lambda;
  }

  public long count() {
    return count;
  }

  private void reset() {
    count = 0;
    mean = 0;
    sumSquares = 0;
    up = 0;
    down = 0;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(delta);
    out.writeDouble(lambda);
    out.writeInt(minInstances);
    out.writeLong(count);
    out.writeDouble(mean);
    out.writeDouble(sumSquares);
    out.writeDouble(up);
    out.writeDouble(down);
  }

  public static PageHinkley readFrom(DataInput in) throws IOException {
    PageHinkley ph = new PageHinkley(in.readDouble(), in.readDouble(), in.readInt());
    ph.count = in.readLong();
    ph.mean = in.readDouble();
    ph.sumSquares = in.readDouble();
    ph.up = in.readDouble();
    ph.down = in.readDouble();
    return ph;
  }
}
