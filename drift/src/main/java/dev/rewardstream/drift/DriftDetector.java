package dev.rewardstream.drift;

import java.io.DataOutput;
import java.io.IOException;

/**
 * One detector for one scope. Pure: its verdicts depend only on the observations fed in, and its whole state is
 * written by {@link #writeTo} (and read back by its {@link DetectorKind}), so it can live in a state store.
 */
public interface DriftDetector {

  Verdict observe(Observation observation);

  void writeTo(DataOutput out) throws IOException;
}
