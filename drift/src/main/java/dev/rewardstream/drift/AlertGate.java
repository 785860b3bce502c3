package dev.rewardstream.drift;

import dev.rewardstream.schema.AlertStatus;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Optional;

/**
 * De-duplicates one (detector, scope)'s verdicts into alerts: QUIET --drift--> ACTIVE (one RAISED), drift while ACTIVE
 * changes nothing but restarts the quiet count, and only an evaluation below threshold at least {@code quietPeriod}
 * observations after the last drift verdict resolves it (one RESOLVED). A detector that keeps firing through one
 * sustained drift, as ADWIN does while it cuts its window down to the new regime, therefore raises one alert, not a
 * storm (River issue #574). The quiet period counts the scope's own observations rather than wall-clock time: a
 * scope that goes silent has not shown that it recovered, so its alert stays raised until evidence arrives.
 */
public final class AlertGate {

  private final long quietPeriod;
  private boolean active;
  private long observations;
  private long lastDriftAt;

  public AlertGate(long quietPeriod) {
    this.quietPeriod = quietPeriod;
  }

  /** Takes the verdict on the next observation; returns the alert status to emit, if any. */
  public Optional<AlertStatus> offer(Verdict verdict) {
    observations++;
    switch (verdict.state()) {
      case DRIFT -> {
        lastDriftAt = observations;
        if (!active) {
          active = true;
          return Optional.of(AlertStatus.RAISED);
        }
      }
      case CLEAR -> {
        if (active && observations - lastDriftAt >= quietPeriod) {
          active = false;
          return Optional.of(AlertStatus.RESOLVED);
        }
      }
      case PENDING -> { }
    }
    return Optional.empty();
  }

  public boolean active() {
    return active;
  }

  /** Observations since the last drift verdict. */
  public long quietFor() {
    return observations - lastDriftAt;
  }

  public void writeTo(DataOutput out) throws IOException {
    out.writeLong(quietPeriod);
    out.writeBoolean(active);
    out.writeLong(observations);
    out.writeLong(lastDriftAt);
  }

  public static AlertGate readFrom(DataInput in) throws IOException {
    AlertGate gate = new AlertGate(in.readLong());
    gate.active = in.readBoolean();
    gate.observations = in.readLong();
    gate.lastDriftAt = in.readLong();
    return gate;
  }
}
