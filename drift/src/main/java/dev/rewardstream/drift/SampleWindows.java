package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A reference window (the first {@code referenceSize} values of a scope, then frozen) and a sliding current window
 * (the latest {@code currentSize} values after it). Two instances fed in lockstep stay aligned position by position,
 * which is how paired values (reward, length) are kept.
 *
 * <p>Freezing the reference at the start of the scope (a policy version) is the point: the question is "has this
 * policy's output moved since it started", and a reference that slid along with the stream would follow a slow drift
 * and never see it.
 */
public final class SampleWindows {

  private final double[] reference;
  private final double[] current;
  private long seen;
  /** The frozen reference in ascending order, sorted once: every evaluation compares against it. Not persisted. */
  private double[] sortedReference;

  public SampleWindows(int referenceSize, int currentSize) {
    if (referenceSize < 2 || currentSize < 2) {
      throw new IllegalArgumentException("windows need at least 2 values");
    }
    this.reference = new double[referenceSize];
    this.current = new double[currentSize];
  }

  public void add(double value) {
    if (seen < reference.length) {
      reference[(int) seen] = value;
    } else {
      current[(int) ((seen - reference.length) % current.length)] = value;
    }
    seen++;
  }

  /** The reference window is complete (and frozen). */
  public boolean referenceFull() {
    return seen >= reference.length;
  }

  /** Both windows are full. */
  public boolean full() {
    return seen >= reference.length + current.length;
  }

  /** Full, and {@code every} values have arrived since the last time this was true. */
  public boolean due(int every) {
    return full() && (seen - reference.length - current.length) % every == 0;
  }

  public int referenceSize() {
    return reference.length;
  }

  public int currentSize() {
    return current.length;
  }

  public double[] reference() {
    return reference.clone();
  }

  /** The (complete, frozen) reference window in ascending order; the caller must not modify it. */
  public double[] sortedReference() {
    if (!referenceFull()) {
      throw new IllegalStateException("the reference window is still filling");
    }
    if (sortedReference == null) {
      sortedReference = reference.clone();
      java.util.Arrays.sort(sortedReference);
    }
    return sortedReference;
  }

  /** The current window in ascending order (a new array). */
  public double[] sortedCurrent() {
    double[] sorted = current.clone();
    java.util.Arrays.sort(sorted);
    return sorted;
  }

  /** The current window, oldest first. */
  public double[] current() {
    double[] ordered = new double[current.length];
    long start = Math.max(0, seen - reference.length - current.length);
    for (int i = 0; i < current.length; i++) {
      ordered[i] = current[(int) ((start + i) % current.length)];
    }
    return ordered;
  }

  /**
   * How far the current window's mean moved from the reference's: the two means, and the move in reference standard
   * deviations (0 when the reference has no spread).
   */
  public record MeanShift(double referenceMean, double currentMean, double inReferenceSds) {}

  public MeanShift meanShift() {
    double referenceMean = Stats.mean(reference);
    double referenceSd = Math.sqrt(Stats.variance(reference));
    double currentMean = Stats.mean(current);
    return new MeanShift(referenceMean, currentMean, referenceSd > 0 ? (currentMean - referenceMean) / referenceSd : 0);
  }

  /** Describes the reference window for an alert. */
  public String describeReference(String scope) {
    return scope + " values 1.." + reference.length;
  }

  /** Describes the current window for an alert. */
  public String describeCurrent(String scope) {
    return scope + " values " + (seen - current.length + 1) + ".." + seen;
  }

  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(reference.length);
    out.writeInt(current.length);
    out.writeLong(seen);
    int referenceFilled = (int) Math.min(seen, reference.length);
    int currentFilled = (int) Math.min(Math.max(0, seen - reference.length), current.length);
    // The same big-endian doubles as writeDouble, in one write: a double at a time cost more than the detectors.
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(8 * (referenceFilled + currentFilled));
    bytes.asDoubleBuffer().put(reference, 0, referenceFilled).put(current, 0, currentFilled);
    out.write(bytes.array());
  }

  public static SampleWindows readFrom(DataInput in) throws IOException {
    SampleWindows windows = new SampleWindows(in.readInt(), in.readInt());
    windows.seen = in.readLong();
    int referenceFilled = (int) Math.min(windows.seen, windows.reference.length);
    for (int i = 0; i < referenceFilled; i++) {
      windows.reference[i] = in.readDouble();
    }
    int currentFilled = (int) Math.min(Math.max(0, windows.seen - windows.reference.length), windows.current.length);
    for (int i = 0; i < currentFilled; i++) {
      windows.current[i] = in.readDouble();
    }
    return windows;
  }
}
