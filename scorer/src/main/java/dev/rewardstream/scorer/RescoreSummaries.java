package dev.rewardstream.scorer;

import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Severity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Joins the scorer tasks' {@link RescorePartial}s of a version into one {@code rescore-summary} report: each task
 * rescores only the outputs of its own partition, and one record per task and version (three a version on three
 * partitions, a version every few seconds) flooded alert channels with what is one event.
 *
 * <p>A version's report goes out when every partition's part has arrived (when the parts say how many there are),
 * when a part of a later version of the model arrives (the earlier one is complete as far as it will ever be), or
 * {@link #WAIT} after its first part, whichever comes first; the report says how many partitions it covers. A part that
 * arrives after its version was reported is counted ({@code rewardstream_scorer_rescore_parts_late}) and left out.
 * Parts wait in a store with a changelog, so a restart between parts does not lose the ones that came.
 */
final class RescoreSummaries implements Processor<String, RescorePartial, String, DriftAlert> {

  /**
   * Every task checks for a new version each rescore-check interval (100 ms by default) and rescores in well under a
   * second; a part later than this comes from a task that was restarting or moving.
   */
  static final Duration WAIT = Duration.ofSeconds(10);
  /** Below this rank correlation a version reorders the outputs a policy was optimized against: a WARNING. */
  static final double REORDERING_CORRELATION = 0.5;

  private static final RescorePartial.WireSerde PARTS = new RescorePartial.WireSerde();

  private final String storeName;
  private final Counter lateParts;
  private ProcessorContext<String, DriftAlert> context;
  private KeyValueStore<String, byte[]> store;

  RescoreSummaries(String storeName, MeterRegistry meters) {
    this.storeName = storeName;
    this.lateParts = Counter.builder("rewardstream.scorer.rescore.parts.late")
        .description("Rescore summary parts that arrived after their version was reported, left out of it")
        .register(meters);
  }

  /** Per model: the newest version reported, and the parts of later versions waiting, with their first arrival. */
  private static final class Waiting {
    long reportedUpTo = -1;
    final TreeMap<Long, Long> firstArrival = new TreeMap<>();
    final TreeMap<Long, Map<Integer, RescorePartial>> parts = new TreeMap<>();
  }

  @Override
  public void init(ProcessorContext<String, DriftAlert> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::reportOverdue);
  }

  @Override
  public void process(Record<String, RescorePartial> record) {
    RescorePartial part = record.value();
    String model = part.modelName();
    Waiting waiting = load(model);
    if (part.version() <= waiting.reportedUpTo) {
      lateParts.increment();
      return;
    }
    long now = context.currentSystemTimeMs();
    waiting.firstArrival.putIfAbsent(part.version(), now);
    // A task that restarted rescores its partition again: its newer part replaces the one it sent before.
    waiting.parts.computeIfAbsent(part.version(), v -> new TreeMap<>()).put(part.partition(), part);
    for (Long earlier : List.copyOf(waiting.parts.headMap(part.version()).keySet())) {
      report(model, earlier, waiting, now);
    }
    Map<Integer, RescorePartial> current = waiting.parts.get(part.version());
    if (part.partitions() > 0 && current.size() >= part.partitions()) {
      report(model, part.version(), waiting, now);
    }
    save(model, waiting);
  }

  private void reportOverdue(long now) {
    List<String> models = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      all.forEachRemaining(entry -> models.add(entry.key));
    }
    for (String model : models) {
      Waiting waiting = load(model);
      boolean changed = false;
      for (Map.Entry<Long, Long> first : List.copyOf(waiting.firstArrival.entrySet())) {
        if (now - first.getValue() >= WAIT.toMillis()) {
          report(model, first.getKey(), waiting, now);
          changed = true;
        }
      }
      if (changed) {
        save(model, waiting);
      }
    }
  }

  private void report(String model, long version, Waiting waiting, long now) {
    Map<Integer, RescorePartial> parts = waiting.parts.remove(version);
    waiting.firstArrival.remove(version);
    waiting.reportedUpTo = Math.max(waiting.reportedUpTo, version);
    int outputs = 0;
    int sampled = 0;
    double shiftSum = 0;
    for (RescorePartial part : parts.values()) {
      outputs += part.outputs();
      sampled += part.before().length;
      shiftSum += part.shiftSum();
    }
    if (outputs < 2) {
      return;
    }
    float[] before = new float[sampled];
    float[] after = new float[sampled];
    int at = 0;
    for (RescorePartial part : parts.values()) {
      System.arraycopy(part.before(), 0, before, at, part.before().length);
      System.arraycopy(part.after(), 0, after, at, part.after().length);
      at += part.before().length;
    }
    RescorePartial any = parts.values().iterator().next();
    double rho = RankCorrelation.spearman(before, after);
    String covered = any.partitions() > 0
        ? parts.size() + " of " + any.partitions() + " partitions"
        : parts.size() + (parts.size() == 1 ? " partition" : " partitions");
    String scope = "model=" + model;
    context.forward(new Record<>(ScorerTopology.RESCORE_SUMMARY_ALERT + "/" + scope, DriftAlert.newBuilder()
        .setAlertId(UUID.randomUUID().toString())
        .setDetector(ScorerTopology.RESCORE_SUMMARY_ALERT)
        .setScope(scope)
        .setStatus(AlertStatus.REPORT)
        .setSeverity(rho < REORDERING_CORRELATION ? Severity.WARNING : Severity.INFO)
        .setStatistic(rho)
        .setThreshold(REORDERING_CORRELATION)
        .setReferenceWindow("v" + any.previousVersion())
        .setCurrentWindow("v" + version)
        .setMessage(String.format(Locale.ROOT,
            "v%d rescored %d retained outputs (%s): mean raw reward moved %+.4f, Spearman rank correlation with "
                + "v%d %.3f", version, outputs, covered, shiftSum / outputs, any.previousVersion(), rho))
        .setTime(Instant.ofEpochMilli(now))
        .build(), now));
  }

  private Waiting load(String model) {
    Waiting waiting = new Waiting();
    byte[] stored = store.get(model);
    if (stored == null) {
      return waiting;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      waiting.reportedUpTo = in.readLong();
      int versions = in.readInt();
      for (int v = 0; v < versions; v++) {
        long version = in.readLong();
        waiting.firstArrival.put(version, in.readLong());
        int count = in.readInt();
        Map<Integer, RescorePartial> parts = new TreeMap<>();
        for (int p = 0; p < count; p++) {
          byte[] bytes = new byte[in.readInt()];
          in.readFully(bytes);
          RescorePartial part = PARTS.deserializer().deserialize(storeName, bytes);
          parts.put(part.partition(), part);
        }
        waiting.parts.put(version, parts);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt rescore summary state of " + model, e);
    }
    return waiting;
  }

  private void save(String model, Waiting waiting) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(waiting.reportedUpTo);
      out.writeInt(waiting.parts.size());
      for (Map.Entry<Long, Map<Integer, RescorePartial>> version : waiting.parts.entrySet()) {
        out.writeLong(version.getKey());
        out.writeLong(waiting.firstArrival.get(version.getKey()));
        out.writeInt(version.getValue().size());
        for (RescorePartial part : version.getValue().values()) {
          byte[] encoded = PARTS.serializer().serialize(storeName, part);
          out.writeInt(encoded.length);
          out.write(encoded);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory stream", e);
    }
    store.put(model, bytes.toByteArray());
  }
}
