package dev.rewardstream.alerts;

import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DriftAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Alerts held back to be delivered together: one drift often trips several detectors on the same scope within
 * seconds (a mean shift is seen by ADWIN, Page-Hinkley, KS and PSI alike), which is one event for whoever is paged.
 * The first alert of a scope and status opens a burst; alerts of the same scope and status that come within the window
 * join it; when the window has passed since the first, the burst is due. Reports are never held: they open nothing.
 */
final class AlertBursts {

  /** An alert and the record it was read from (its origin, for a dead letter, and its offset, for the commit). */
  record Held(ConsumerRecord<byte[], byte[]> record, DriftAlert alert) {}

  private record Burst(long openedAtNanos, List<Held> alerts) {}

  private final long windowNanos;
  private final Map<String, Burst> open = new LinkedHashMap<>();

  AlertBursts(Duration window) {
    this.windowNanos = window.toNanos();
  }

  /** Whether {@code alert} is held for a burst rather than delivered at once. */
  boolean groups(DriftAlert alert) {
    return windowNanos > 0 && alert.getStatus() != AlertStatus.REPORT;
  }

  void add(ConsumerRecord<byte[], byte[]> record, DriftAlert alert, long nowNanos) {
    open.computeIfAbsent(alert.getScope() + "\u0000" + alert.getStatus(), key -> new Burst(nowNanos, new ArrayList<>()))
        .alerts().add(new Held(record, alert));
  }

  /** The bursts whose window has passed, oldest first; they are no longer held. */
  List<List<Held>> due(long nowNanos) {
    List<List<Held>> due = new ArrayList<>();
    for (Iterator<Burst> bursts = open.values().iterator(); bursts.hasNext(); ) {
      Burst burst = bursts.next();
      if (nowNanos - burst.openedAtNanos() >= windowNanos) {
        due.add(burst.alerts());
        bursts.remove();
      }
    }
    return due;
  }

  /** Every burst still held, window passed or not. */
  List<List<Held>> drain() {
    List<List<Held>> all = new ArrayList<>();
    open.values().forEach(burst -> all.add(burst.alerts()));
    open.clear();
    return all;
  }

  /** The lowest offset of {@code partition} still held; {@link Long#MAX_VALUE} when none is. */
  long firstHeldOffset(TopicPartition partition) {
    long first = Long.MAX_VALUE;
    for (Burst burst : open.values()) {
      for (Held held : burst.alerts()) {
        if (held.record().partition() == partition.partition() && held.record().topic().equals(partition.topic())) {
          first = Math.min(first, held.record().offset());
        }
      }
    }
    return first;
  }
}
