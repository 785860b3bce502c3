package dev.rewardstream.scorer;

import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.streams.CompactedTopicProcessor;
import org.apache.kafka.common.serialization.Serdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Score;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The scorer's topology, built purely from its configuration so tests drive it with {@code TopologyTestDriver}.
 *
 * <pre>
 * interactions ─► score (live model; retained ring for rescoring) ─┬─► scores
 *                                                                  ├─► dead-letters
 *                                                                  ├─► drift-alerts (refused artifacts)
 *                                                                  └─► each task's rescore part ─► repartition by model
 *                                                                        ─► one rescore-summary per version ─► drift-alerts
 * model-updates ─► global store ─► ModelHolder (verify sha256 + feature spec, load, atomic swap)
 * normalization-stats ─► global store ─► NormalizationTable (numeric values scaled as the feature job scales them)
 * </pre>
 *
 * <p>The drift detectors watch the scores topic from an application of their own
 * ({@code dev.rewardstream.drift.DriftTopology}, module {@code drift}).
 */
public final class ScorerTopology {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScorerTopology.class);

  private static final String BRANCH = "scorer-output-";
  private static final String SUMMARY_STORE = "rescore-summary-parts";
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
    StreamsBuilder builder = new StreamsBuilder();
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(NORMALIZATION_STORE), Serdes.String(),
            Serdes.ByteArray()).withLoggingDisabled(),
        topics.normalizationStats.name(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("normalization-stats-source"),
        () -> new CompactedTopicProcessor(NORMALIZATION_STORE, value -> {
          try {
            normalization.update(topics.normalizationStats.decode(value));
          } catch (RecordRejectedException e) {
            // Written only by the feature job; an unreadable snapshot leaves the previous one in use.
            LOG.warn("unreadable normalization statistics ignored: {}", e.getMessage());
          }
        }, reason -> LOG.warn("normalization statistics ignored: {}", reason)));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        topics.modelUpdates.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("model-updates-source"),
        () -> new CompactedTopicProcessor(MODEL_STORE, value -> {
          try {
            models.offer(topics.modelUpdates.decode(value));
          } catch (RecordRejectedException e) {
            models.refuseUnreadable(e.getMessage());
          }
        }, models::refuseUnreadable));

    // No changelog: the interactions partition is the ring's durable copy (see ScoreProcessor).
    builder.addStateStore(RetainedWindowStore.builder(RETAINED_STORE, config.retainedOutputs()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EPISODE_STORE), Serdes.String(),
        Serdes.ByteArray()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUMMARY_STORE), Serdes.String(),
        Serdes.ByteArray()));
    KStream<String, Object> scored = builder
        .stream(topics.interactions.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("interactions-source"))
        .process(() -> new ScoreProcessor(config, topics, models, normalization, RETAINED_STORE, EPISODE_STORE,
            source, metrics), Named.as(SCORE), RETAINED_STORE, EPISODE_STORE);
    // Scores first: the branch every record but a few takes is tested once.
    Map<String, KStream<String, Object>> branches = scored.split(Named.as(BRANCH))
        .branch((key, value) -> value instanceof Score, Branched.as("scores"))
        .branch((key, value) -> value instanceof DeadLetter, Branched.as("dead-letters"))
        .branch((key, value) -> value instanceof DriftAlert, Branched.as("alerts"))
        .defaultBranch(Branched.as("rescore-parts"));
    branches.get(BRANCH + "scores").mapValues(value -> (Score) value, Named.as("as-score"))
        .to(topics.scores.name(), Produced.with(Serdes.String(), topics.scores.valueSerde()).withName(SCORES));
    branches.get(BRANCH + "dead-letters").mapValues(value -> (DeadLetter) value, Named.as("as-dead-letter"))
        .to(topics.deadLetters.name(), Produced.with(Serdes.String(), topics.deadLetters.valueSerde())
            .withName(DEAD_LETTERS));
    Produced<String, DriftAlert> toAlerts = Produced.with(Serdes.String(), topics.driftAlerts.valueSerde());
    branches.get(BRANCH + "alerts").mapValues(value -> (DriftAlert) value, Named.as("as-alert"))
        .to(topics.driftAlerts.name(), toAlerts.withName(ALERTS));
    // Each task rescores its own partition; the parts of a version meet in one task, by model name, to be one report.
    branches.get(BRANCH + "rescore-parts").mapValues(value -> (RescorePartial) value, Named.as("as-rescore-part"))
        .repartition(Repartitioned.with(Serdes.String(), new RescorePartial.WireSerde()).withName("rescore-parts"))
        .process(() -> new RescoreSummaries(SUMMARY_STORE, meters), Named.as("rescore-summary"), SUMMARY_STORE)
        .to(topics.driftAlerts.name(), Produced.with(Serdes.String(), topics.driftAlerts.valueSerde())
            .withName("rescore-summary-sink"));
    return builder.build();
  }
}
