package dev.rewardstream.scorer;

import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.streams.CompactedTopicProcessor;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The scorer's topology, built purely from its configuration so tests drive it with {@code TopologyTestDriver}.
 *
 * <pre>
 * interactions ─► score (live model; retained ring for rescoring) ─┬─► scores
 *                                                                  ├─► dead-letters
 *                                                                  └─► drift-alerts (refused artifacts, rescore summaries)
 * model-updates ─► global store ─► ModelHolder (verify sha256 + feature spec, load, atomic swap)
 * normalization-stats ─► global store ─► NormalizationTable (numeric values scaled as the feature job scales them)
 * </pre>
 *
 * <p>The drift detectors watch the scores topic from an application of their own
 * ({@code dev.rewardstream.drift.DriftTopology}, module {@code drift}).
 */
public final class ScorerTopology {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScorerTopology.class);

  static final String SCORES = "scores-sink";
  static final String DEAD_LETTERS = "dead-letters-sink";
  static final String ALERTS = "drift-alerts-sink";
  /**
   * The {@code detector} of the alerts the scorer writes to drift-alerts; every other kind is the drift monitor's, so
   * each kind has one writer.
   */
  public static final String RESCORE_SUMMARY_ALERT = "rescore-summary";
  public static final String REFUSED_ARTIFACT_ALERT = "model-artifact";
  public static final java.util.Set<String> ALERT_KINDS = java.util.Set.of(RESCORE_SUMMARY_ALERT,
      REFUSED_ARTIFACT_ALERT);
  private static final String SCORE = "score";
  private static final String RETAINED_STORE = "retained-outputs";
  private static final String MODEL_STORE = "model-updates-store";
  private static final String NORMALIZATION_STORE = "normalization-stats-store";
  private static final String EPISODE_STORE = "episode-returns";

  private ScorerTopology() {}

  public static Topology build(ScorerConfig config, Topics topics, ModelHolder models) {
    return build(config, topics, models, new NormalizationTable());
  }

  public static Topology build(ScorerConfig config, Topics topics, ModelHolder models,
      NormalizationTable normalization) {
    return build(config, topics, models, normalization, null);
  }

  /**
   * @param source where a restarted task reads back the part of its retained window it has not processed itself; null
   *     when there is no broker to read (a task then rescores only what it processed since it started)
   */
  public static Topology build(ScorerConfig config, Topics topics, ModelHolder models,
      NormalizationTable normalization, SourcePartitionReader source) {
    return build(config, topics, models, normalization, source, new CompositeMeterRegistry());
  }

  /** @param meters where the records scored, rescored and dead-lettered are counted */
  public static Topology build(ScorerConfig config, Topics topics, ModelHolder models,
      NormalizationTable normalization, SourcePartitionReader source, MeterRegistry meters) {
    ScorerMetrics metrics = new ScorerMetrics(meters);
    Topology topology = new Topology();
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(NORMALIZATION_STORE), Serdes.String(),
            Serdes.ByteArray()).withLoggingDisabled(),
        "normalization-stats-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        topics.normalizationStats.name(), "normalization-stats",
        () -> new CompactedTopicProcessor(NORMALIZATION_STORE, value -> {
          try {
            normalization.update(topics.normalizationStats.decode(value));
          } catch (RecordRejectedException e) {
            // Written only by the feature job; an unreadable snapshot leaves the previous one in use.
            LOG.warn("unreadable normalization statistics ignored: {}", e.getMessage());
          }
        }, reason -> LOG.warn("normalization statistics ignored: {}", reason)));
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        "model-updates-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        topics.modelUpdates.name(), "model-updates", () -> new CompactedTopicProcessor(MODEL_STORE, value -> {
          try {
            models.offer(topics.modelUpdates.decode(value));
          } catch (RecordRejectedException e) {
            models.refuseUnreadable(e.getMessage());
          }
        }, models::refuseUnreadable));

    topology.addSource("interactions-source", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        topics.interactions.name());
    topology.addProcessor(SCORE, () -> new ScoreProcessor(config, topics, models, normalization, RETAINED_STORE,
        EPISODE_STORE, source, metrics),
        "interactions-source");
    // No changelog: the interactions partition is the ring's durable copy (see ScoreProcessor).
    topology.addStateStore(RetainedWindowStore.builder(RETAINED_STORE, config.retainedOutputs()), SCORE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EPISODE_STORE), Serdes.String(),
            Serdes.ByteArray()), SCORE);
    addSink(topology, SCORES, topics.scores);
    addSink(topology, DEAD_LETTERS, topics.deadLetters);
    addSink(topology, ALERTS, topics.driftAlerts);
    return topology;
  }

  private static <V extends SpecificRecord> void addSink(Topology topology, String name, TopicSpec<V> topic) {
    topology.addSink(name, topic.name(), Serdes.String().serializer(), topic.valueSerde().serializer(), SCORE);
  }
}
