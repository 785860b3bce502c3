package dev.rewardstream.drift;

import dev.rewardstream.schema.AlertStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one drift-detection task reports: each detector's statistic next to its threshold, per scope, and the alerts
 * it raises and resolves. A task's gauges leave with it (a rebalance moves its scopes elsewhere), and a retired
 * scope's with the scope.
 */
final class DriftMetrics {

  private final MeterRegistry registry;
  private final Map<String, Reading> readings = new HashMap<>();

  /** The latest statistic and threshold of one detector on one scope; read by the scrape, written by the task. */
  private static final class Reading {
    final AtomicReference<Verdict> last = new AtomicReference<>();
    Gauge statistic;
    Gauge threshold;
  }

  DriftMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void observed(DetectorKind kind, String scope, Verdict verdict) {
    Reading reading = readings.computeIfAbsent(ScopedDetector.key(kind, scope), key -> register(kind, scope));
    // Between evaluations a detector answers PENDING: the gauges keep its last evaluation instead of a NaN.
    if (verdict.state() != Verdict.State.PENDING) {
      reading.last.set(verdict);
    }
  }

  void alerted(DetectorKind kind, AlertStatus status) {
    registry.counter("rewardstream.drift.alerts", "detector", kind.alertName(), "status",
        status.name().toLowerCase(Locale.ROOT)).increment();
  }

  void forget(DetectorKind kind, String scope) {
    Reading reading = readings.remove(ScopedDetector.key(kind, scope));
    if (reading != null) {
      unregister(reading);
    }
  }

  void forgetAll() {
    readings.values().forEach(this::unregister);
    readings.clear();
  }

  private void unregister(Reading reading) {
    registry.remove(reading.statistic);
    registry.remove(reading.threshold);
  }

  private Reading register(DetectorKind kind, String scope) {
    Reading reading = new Reading();
    Tags tags = Tags.of("detector", kind.alertName(), "scope", scope);
    reading.statistic = Gauge.builder("rewardstream.drift.statistic", reading.last,
            last -> last.get() == null ? Double.NaN : last.get().statistic())
        .tags(tags).description("The detector's latest statistic on the scope").register(registry);
    reading.threshold = Gauge.builder("rewardstream.drift.threshold", reading.last,
            last -> last.get() == null ? Double.NaN : last.get().threshold())
        .tags(tags).description("The value of the statistic beyond which the detector signals").register(registry);
    return reading;
  }
}
