package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ADWIN (ADaptive WINdowing, Bifet &amp; Gavaldà, SDM 2007), the ADWIN2 variant: a window of the most recent values
 * kept as an exponential histogram (at most {@value #MAX_BUCKETS} buckets of each size 2^i), shrunk from its old end
 * whenever two sub-windows split at a bucket boundary have means further apart than
 * {@code ε = sqrt(2 m σ²_W ln(2 ln n / δ)) + 2/3 m ln(2 ln n / δ)}, {@code m = 1/(n0-4) + 1/(n1-4)} (the bound MOA
 * uses; σ²_W is the whole window's variance).
 *
 * <p>Parameters and their trade-off:
 * <ul>
 *   <li>{@code delta} (default 0.002, as in the paper and MOA): the confidence. Smaller δ widens ε only through
 *       {@code ln(1/δ)}, so halving δ costs a few values of delay (most at small shifts) and cuts false alarms
 *       roughly in half; the bound is conservative, so the stationary rate is far below δ per check.
 *   <li>{@code clock}: how many values between two cut checks. MOA checks every 32, which costs on average 16 events of
 *       delay (a third of the whole delay for a 1σ shift) to save CPU; checking every value costs O(M log n) bucket
 *       visits per value (≈ 100 for n = 10^6), about 0.7 µs, so the scorer uses 1. More checks are more chances of a
 *       false alarm: on thirty stationary N(0,1) streams of 10^6 values ({@code DetectorBench}), δ = 0.002 signals
 *       1.1 changes per 10^6 at clock 1 against 0.9 at clock 32, for delays of 357/101/34/14 values instead of
 *       402/118/53/24 at shifts of 0.25/0.5/1/2σ. δ = 0.001 at clock 1 signals 0.5 per 10^6 and is still faster
 *       (397/108/36/15): that is the setting to take where false alarms cost more than delay.
 * </ul>
 * Memory is O(M log n): the window grows without bound while the stream is stationary, which is what lets ADWIN see
 * small shifts, at ≈ 2 KB for a million values.
 *
 * <p>The state is plain numbers, written by {@link #writeTo} so a detector can live in a state store.
 */
public final class Adwin implements DriftDetector {

  static final int MAX_BUCKETS = 5;
  /**
   * Cuts closer than this to the previous cut locate the same change and are not signalled again; equal to MOA's
   * clock, so at clock 32 every cut is signalled exactly as MOA does.
   */
  static final int REFRACTORY = 32;
  private static final int MIN_SUB_WINDOW = 5;
  private static final int MIN_WINDOW = 10;

  private final double delta;
  private final int clock;
  private long time;
  private long lastCutAt = -REFRACTORY;
  private long width;
  private double total;
  private double variance;
  /** levels.get(i): buckets of 2^i values, oldest first; higher levels are older. */
  private final List<Level> levels = new ArrayList<>();
  private Cut lastCut;

  /** The split that made the window shrink: sizes and means of the older and newer sub-windows, and the bound. */
  public record Cut(long olderSize, double olderMean, long newerSize, double newerMean, double epsilon) {
    public double difference() {
      return Math.abs(olderMean - newerMean);
    }
  }

  public Adwin(double delta, int clock) {
    if (!(delta > 0 && delta < 1) || clock < 1) {
      throw new IllegalArgumentException("delta must be in (0, 1) and clock >= 1");
    }
    this.delta = delta;
    this.clock = clock;
  }

  /**
   * Adds a value; returns whether a change in the mean is signalled. A change is signalled at the first cut of the
   * window; the cuts that follow it within {@value #REFRACTORY} values are ADWIN locating that same change (the new
   * regime's first values leave a misleading older window) and shrink the window without a second signal. This is
   * what MOA's clock of 32 does implicitly, and why counting signals here compares with MOA's counts.
   */
  public boolean add(double value) {
    insert(value);
    time++;
    lastCut = null;
    if (time % clock != 0 || width <= MIN_WINDOW) {
      return false;
    }
    Cut cut;
    while ((cut = findCut()) != null) {
      lastCut = cut;
      deleteOldest();
    }
    if (lastCut == null) {
      return false;
    }
    boolean signal = time - lastCutAt >= REFRACTORY;
    lastCutAt = time;
    return signal;
  }

  /**
   * Feeds the reward; every cut is a drift verdict, reported with the two sub-windows it separated (the alert gate
   * turns a run of them into one alert, and a re-cut shows the change is still settling).
   */
  @Override
  public Verdict observe(Observation observation) {
    add(observation.reward());
    if (lastCut == null) {
      return Verdict.of(false, 0, 0, null, null, "");
    }
    Cut cut = lastCut;
    return Verdict.of(true, cut.difference(), cut.epsilon(),
        String.format(Locale.ROOT, "older %d values, mean %.4f", cut.olderSize(), cut.olderMean()),
        String.format(Locale.ROOT, "newer %d values, mean %.4f", cut.newerSize(), cut.newerMean()),
        String.format(Locale.ROOT, "mean reward moved from %.4f to %.4f (|Δ| %.4f > ε %.4f at δ %s)",
            cut.olderMean(), cut.newerMean(), cut.difference(), cut.epsilon(), delta));
  }

  public long width() {
    return width;
  }

  public double mean() {
    return width == 0 ? 0 : total / width;
  }

  /** The last cut made by the latest {@link #add} (signalled or not), or null when it made none. */
  public Cut lastCut() {
    return lastCut;
  }

  private void insert(double value) {
    if (levels.isEmpty()) {
      levels.add(new Level());
    }
    levels.get(0).append(value, 0);
    width++;
    if (width > 1) {
      double previousMean = total / (width - 1);
      variance += (width - 1) * (value - previousMean) * (value - previousMean) / width;
    }
    total += value;
    compress();
  }

  private void compress() {
    for (int i = 0; i < levels.size(); i++) {
      Level level = levels.get(i);
      if (level.size <= MAX_BUCKETS) {
        return;
      }
      if (i + 1 == levels.size()) {
        levels.add(new Level());
      }
      double n = Math.pow(2, i);
      double mean0 = level.totals[0] / n;
      double mean1 = level.totals[1] / n;
      double merged = level.variances[0] + level.variances[1] + n * n * (mean0 - mean1) * (mean0 - mean1) / (2 * n);
      levels.get(i + 1).append(level.totals[0] + level.totals[1], merged);
      level.removeOldest(2);
    }
  }

  private Cut findCut() {
    long n0 = 0;
    long n1 = width;
    double u0 = 0;
    double u1 = total;
    double windowVariance = variance / width;
    double dd = Math.log(2 * Math.log(width) / delta);
    for (int i = levels.size() - 1; i >= 0; i--) {
      Level level = levels.get(i);
      long size = 1L << i;
      for (int k = 0; k < level.size; k++) {
        n0 += size;
        n1 -= size;
        u0 += level.totals[k];
        u1 -= level.totals[k];
        if (n1 == 0) {
          return null;
        }
        if (n0 >= MIN_SUB_WINDOW && n1 >= MIN_SUB_WINDOW) {
          double m = 1.0 / (n0 - MIN_SUB_WINDOW + 1) + 1.0 / (n1 - MIN_SUB_WINDOW + 1);
          double epsilon = Math.sqrt(2 * m * windowVariance * dd) + 2.0 / 3 * dd * m;
          if (Math.abs(u0 / n0 - u1 / n1) > epsilon) {
            return new Cut(n0, u0 / n0, n1, u1 / n1, epsilon);
          }
        }
      }
    }
    return null;
  }

  private void deleteOldest() {
    int top = levels.size() - 1;
    Level level = levels.get(top);
    long n = 1L << top;
    double bucketTotal = level.totals[0];
    double bucketVariance = level.variances[0];
    width -= n;
    total -= bucketTotal;
    if (width == 0) {
      variance = 0;
    } else {
      double bucketMean = bucketTotal / n;
      double rest = total / width;
      variance -= bucketVariance + n * width * (bucketMean - rest) * (bucketMean - rest) / (n + width);
      variance = Math.max(variance, 0);
    }
    level.removeOldest(1);
    while (!levels.isEmpty() && levels.get(levels.size() - 1).size == 0) {
      levels.remove(levels.size() - 1);
    }
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(delta);
    out.writeInt(clock);
    out.writeLong(time);
    out.writeLong(lastCutAt);
    out.writeLong(width);
    out.writeDouble(total);
    out.writeDouble(variance);
    out.writeInt(levels.size());
    for (Level level : levels) {
      out.writeInt(level.size);
      for (int k = 0; k < level.size; k++) {
        out.writeDouble(level.totals[k]);
        out.writeDouble(level.variances[k]);
      }
    }
  }

  public static Adwin readFrom(DataInput in) throws IOException {
    Adwin adwin = new Adwin(in.readDouble(), in.readInt());
    adwin.time = in.readLong();
    adwin.lastCutAt = in.readLong();
    adwin.width = in.readLong();
    adwin.total = in.readDouble();
    adwin.variance = in.readDouble();
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      Level level = new Level();
      int size = in.readInt();
      for (int k = 0; k < size; k++) {
        level.append(in.readDouble(), in.readDouble());
      }
      adwin.levels.add(level);
    }
    return adwin;
  }

  /** One row of the exponential histogram: room for one bucket more than allowed, merged away at once. */
  private static final class Level {
    final double[] totals = new double[MAX_BUCKETS + 1];
    final double[] variances = new double[MAX_BUCKETS + 1];
    int size;

    void append(double bucketTotal, double bucketVariance) {
      totals[size] = bucketTotal;
      variances[size] = bucketVariance;
      size++;
    }

    void removeOldest(int count) {
      System.arraycopy(totals, count, totals, 0, size - count);
      System.arraycopy(variances, count, variances, 0, size - count);
      size -= count;
    }
  }
}
