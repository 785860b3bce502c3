package dev.rewardstream.drift;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One state-store entry: a detector and its alert gate for one (detector, scope), under the key
 * {@code detector/scope} (the alert key too). The encoding starts with a format byte so a later layout can still read
 * (or knowingly discard) entries written by this one.
 */
public final class ScopedDetector {

  private static final byte FORMAT = 2;
  /** Written before entries kept the model they started under: read as started under an unknown one. */
  private static final byte FORMAT_WITHOUT_MODEL = 1;

  private final DetectorKind kind;
  private final DriftDetector detector;
  private final AlertGate gate;
  /** Labels learned by the model that scored the detector's first observation; -1 when unknown. */
  private final long startedUnderExamples;
  private int unpersisted;

  public ScopedDetector(DetectorKind kind, DriftDetector detector, AlertGate gate, long startedUnderExamples) {
    this.kind = kind;
    this.detector = detector;
    this.gate = gate;
    this.startedUnderExamples = startedUnderExamples;
  }

  public static ScopedDetector fresh(DetectorKind kind, DriftConfig config, long modelExamples) {
    return new ScopedDetector(kind, kind.create(config), new AlertGate(config.quietPeriod()), modelExamples);
  }

  /** Whether the scoring model has since learned from at least twice the labels it had when this detector started. */
  boolean modelOutgrown(long modelExamples) {
    return startedUnderExamples > 0 && modelExamples >= 2 * startedUnderExamples;
  }

  /** A new detector under the current model, with this one's alert state. */
  ScopedDetector restarted(DriftConfig config, long modelExamples) {
    return new ScopedDetector(kind, kind.create(config), gate, modelExamples);
  }

  public static String key(DetectorKind kind, String scope) {
    return kind.alertName() + "/" + scope;
  }

  public DetectorKind kind() {
    return kind;
  }

  public DriftDetector detector() {
    return detector;
  }

  public AlertGate gate() {
    return gate;
  }

  /** Counts an observation not yet written to the store; returns how many there are. */
  public int markObserved() {
    return ++unpersisted;
  }

  public void markPersisted() {
    unpersisted = 0;
  }

  public int unpersisted() {
    return unpersisted;
  }

  private static final int ENCODED_SIZE_HINT = 16 * 1024;

  public byte[] encode() {
    // Sized for the window detectors (two windows of 500 doubles): growing a small buffer by copies cost more than
    // the encoding itself.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(ENCODED_SIZE_HINT);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(startedUnderExamples);
      gate.writeTo(out);
      detector.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory stream", e);
    }
    return bytes.toByteArray();
  }

  /** Reads an entry; an unknown format is an error, not a silent reset, since the alert state would be lost. */
  public static ScopedDetector decode(DetectorKind kind, byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      byte format = in.readByte();
      if (format != FORMAT && format != FORMAT_WITHOUT_MODEL) {
        throw new IllegalStateException("drift state of " + kind.alertName() + " has unknown format " + format);
      }
      long startedUnderExamples = format == FORMAT ? in.readLong() : -1;
      AlertGate gate = AlertGate.readFrom(in);
      return new ScopedDetector(kind, kind.read(in), gate, startedUnderExamples);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt drift state of " + kind.alertName(), e);
    }
  }
}
