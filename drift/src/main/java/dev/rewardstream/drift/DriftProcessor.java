package dev.rewardstream.drift;

import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DriftAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import dev.rewardstream.model.Scopes;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs every {@link DetectorKind} on the scores of one scope (the record key, e.g. {@code policy=v3}; on an attribute
 * head's scope those that {@link DetectorKind#watchesAttributes}) and emits the
 * de-duplicated alerts, keyed {@code detector/scope}. Each (detector, scope) is one entry of a persistent store, so
 * the detectors and their alert state are restored with the store (from its changelog) after a restart or a
 * rebalance.
 *
 * <p>Write-behind, and what it costs: the window detectors hold about 8 KB each, so writing all seven entries back
 * after every record costs ≈ 80 µs and 48 KB of encoding per record, more than scoring it. Entries are therefore kept
 * decoded in an LRU map and written back every {@code persistEvery} observations, whenever their alert gate emits (so
 * an alert that was sent is never forgotten and raised twice) and when evicted from the map. A restart or a rebalance
 * can therefore lose up to {@code persistEvery - 1} observations of a scope: their offsets are committed and they are
 * not replayed. Statistics over hundreds of values do not notice, and the alert state itself
 * is exact. The map is cleared on {@link #init}, so a re-initialized task reads the store again.
 *
 * <p>The detectors that compare a scope's scores over time compare scores of comparable models: they start once the
 * scoring version has learned from {@code warmupExamples} labels, and start their windows again (keeping their alert
 * state, so a raised alert still resolves) each time the scoring model has learned from twice as many labels as when
 * their windows started. A reward model that keeps learning moves the scores of an unchanged policy: on the
 * simulator's stationary run, against references taken under the first settled version, KS, PSI, ADWIN and
 * Page-Hinkley raised on a policy that never changed (bench {@code alerts}, docs/design-notes.md). The cost: a policy
 * change right after a restart waits for the window to fill.
 *
 * <p>A detector keeps the parameters it was created with: changed options apply to scopes that start afterwards
 * (the next policy version), not to a half-filled window.
 *
 * <p>Scopes retire: a policy version is replaced and its outputs stop. Each scope's latest observation time is kept in
 * a second store, and a scope idle for {@code scopeIdleTtl} of stream time (the scores' timestamps) loses its
 * detectors; an alert still raised for it is resolved with the reason, so no consumer is left with an alert that can
 * never resolve.
 */
public final class DriftProcessor implements Processor<String, Observation, String, DriftAlert> {

  private static final int CACHED_ENTRIES = 1_024;

  /** How often (in stream time) idle scopes are looked for. */
  static final Duration EXPIRY_CHECK_INTERVAL = Duration.ofMinutes(10);
  /** An observation time is written back once it moved this far: one store write per scope and minute, not per score. */
  private static final long LAST_SEEN_RESOLUTION_MS = 60_000;

  private final DriftConfig config;
  private final String storeName;
  private final String lastSeenStoreName;
  private final Map<String, Long> lastSeenWritten = new java.util.HashMap<>();
  private KeyValueStore<String, Long> lastSeen;
  private final Map<String, ScopedDetector> cache = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ScopedDetector> eldest) {
      if (size() <= CACHED_ENTRIES) {
        return false;
      }
      persist(eldest.getKey(), eldest.getValue());
      return true;
    }
  };
  private ProcessorContext<String, DriftAlert> context;
  private KeyValueStore<String, byte[]> store;

  private final DriftMetrics metrics;

  public DriftProcessor(DriftConfig config, String storeName, String lastSeenStoreName) {
    this(config, storeName, lastSeenStoreName, new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
  }

  DriftProcessor(DriftConfig config, String storeName, String lastSeenStoreName,
      io.micrometer.core.instrument.MeterRegistry meters) {
    this.config = config;
    this.storeName = storeName;
    this.lastSeenStoreName = lastSeenStoreName;
    this.metrics = new DriftMetrics(meters);
  }

  @Override
  public void init(ProcessorContext<String, DriftAlert> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    this.lastSeen = context.getStateStore(lastSeenStoreName);
    cache.clear();
    lastSeenWritten.clear();
    context.schedule(EXPIRY_CHECK_INTERVAL, PunctuationType.STREAM_TIME, this::expireIdleScopes);
  }

  @Override
  public void process(Record<String, Observation> record) {
    String scope = record.key();
    Observation observation = record.value();
    Long written = lastSeenWritten.get(scope);
    if (written == null || record.timestamp() - written >= LAST_SEEN_RESOLUTION_MS) {
      lastSeen.put(scope, record.timestamp());
      lastSeenWritten.put(scope, record.timestamp());
    }
    long modelExamples = observation.modelExamples();
    boolean settled = modelExamples < 0 || modelExamples >= config.warmupExamples();
    boolean attributeScope = Scopes.isAttribute(scope);
    for (DetectorKind kind : DetectorKind.values()) {
      if ((kind.comparesScoresOverTime() && !settled) || (attributeScope && !kind.watchesAttributes())) {
        continue;
      }
      String key = ScopedDetector.key(kind, scope);
      ScopedDetector entry = cache.computeIfAbsent(key, k -> load(kind, k, modelExamples));
      if (kind.comparesScoresOverTime() && entry.modelOutgrown(modelExamples)) {
        entry = entry.restarted(config, modelExamples);
        cache.put(key, entry);
      }
      Verdict verdict = entry.detector().observe(observation);
      metrics.observed(kind, scope, verdict);
      Optional<AlertStatus> status = entry.gate().offer(verdict);
      if (status.isPresent()) {
        metrics.alerted(kind, status.get());
        persist(key, entry);
        context.forward(new Record<>(key, alert(kind, scope, status.get(), verdict, entry.gate(), record.timestamp()),
            record.timestamp()));
      } else if (entry.markObserved() >= config.persistEvery()) {
        persist(key, entry);
      }
    }
  }

  private void persist(String key, ScopedDetector entry) {
    store.put(key, entry.encode());
    entry.markPersisted();
  }

  @Override
  public void close() {
    // No write-back here: stores are already flushed, and under exactly-once the transaction is committed, when
    // processors close, so a last write would be local only. A rebalance costs the same < persistEvery observations.
    cache.clear();
    metrics.forgetAll();
  }

  private void expireIdleScopes(long streamTime) {
    List<String> idle = new ArrayList<>();
    try (KeyValueIterator<String, Long> scopes = lastSeen.all()) {
      scopes.forEachRemaining(scope -> {
        if (streamTime - scope.value > config.scopeIdleTtl().toMillis()) {
          idle.add(scope.key);
        }
      });
    }
    for (String scope : idle) {
      long idleForMs = streamTime - lastSeen.get(scope);
      for (DetectorKind kind : DetectorKind.values()) {
        String key = ScopedDetector.key(kind, scope);
        ScopedDetector entry = cache.remove(key);
        if (entry == null) {
          byte[] stored = store.get(key);
          entry = stored == null ? null : ScopedDetector.decode(kind, stored);
        }
        if (entry != null && entry.gate().active()) {
          metrics.alerted(kind, AlertStatus.RESOLVED);
          context.forward(new Record<>(key, retired(kind, scope, idleForMs, streamTime), streamTime));
        }
        metrics.forget(kind, scope);
        store.delete(key);
      }
      lastSeen.delete(scope);
      lastSeenWritten.remove(scope);
    }
  }

  private DriftAlert retired(DetectorKind kind, String scope, long idleForMs, long time) {
    return DriftAlert.newBuilder()
        .setAlertId(UUID.randomUUID().toString())
        .setDetector(kind.alertName())
        .setScope(scope)
        .setStatus(AlertStatus.RESOLVED)
        .setSeverity(kind.severity())
        .setStatistic(0)
        .setThreshold(0)
        .setMessage(String.format(Locale.ROOT, "%s: retired, no observations for %.1f h (scope idle limit %.1f h); "
            + "its detectors are forgotten", scope, idleForMs / 3.6e6, config.scopeIdleTtl().toMillis() / 3.6e6))
        .setTime(Instant.ofEpochMilli(time))
        .build();
  }

  private ScopedDetector load(DetectorKind kind, String key, long modelExamples) {
    byte[] stored = store.get(key);
    return stored == null ? ScopedDetector.fresh(kind, config, modelExamples) : ScopedDetector.decode(kind, stored);
  }

  private DriftAlert alert(DetectorKind kind, String scope, AlertStatus status, Verdict verdict, AlertGate gate,
      long time) {
    String message = status == AlertStatus.RAISED
        ? scope + ": " + verdict.detail()
        : String.format(Locale.ROOT, "%s: no drift for %d observations (quiet period %d)", scope, gate.quietFor(),
            config.quietPeriod());
    return DriftAlert.newBuilder()
        .setAlertId(UUID.randomUUID().toString())
        .setDetector(kind.alertName())
        .setScope(scope)
        .setStatus(status)
        .setSeverity(kind.severity())
        .setStatistic(verdict.statistic())
        .setThreshold(verdict.threshold())
        .setReferenceWindow(verdict.referenceWindow())
        .setCurrentWindow(verdict.currentWindow())
        .setMessage(message)
        .setTime(Instant.ofEpochMilli(time))
        .build();
  }
}
