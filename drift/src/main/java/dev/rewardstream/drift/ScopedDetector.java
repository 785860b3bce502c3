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

  private static final byte FORMAT = 1;

  private final DetectorKind kind;
  private final DriftDetector detector;
  private final AlertGate gate;
  private int unpersisted;

  public ScopedDetector(DetectorKind kind, DriftDetector detector, AlertGate gate) {
    this.kind = kind;
    this.detector = detector;
    this.gate = gate;
  }

  public static ScopedDetector fresh(DetectorKind kind, DriftConfig config) {
    return new ScopedDetector(kind, kind.create(config), new AlertGate(config.quietPeriod()));
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
      if (format != FORMAT) {
        throw new IllegalStateException("drift state of " + kind.alertName() + " has unknown format " + format);
      }
      AlertGate gate = AlertGate.readFrom(in);
      return new ScopedDetector(kind, kind.read(in), gate);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt drift state of " + kind.alertName(), e);
    }
  }
}
