package dev.rewardstream.drift;

import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.streams.CompactedTopicProcessor;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
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
 * The drift monitor's topology, an application of its own beside the scorer (see {@link DriftService}):
 *
 * <pre>
 * scores ─► intake (decode; skip rescores; observation keyed by scope) ─┬─► dead-letters
 *                                                                       └─► repartition by scope ─► detect (store)
 *                                                                                                  ─► drift-alerts
 * model-updates ─► global store ─► HoldoutAccuracies (metrics only; no artifact is loaded)
 * </pre>
 *
 * <p>Why it reads the scores topic rather than being a child of the score processor: the score processor's tasks are
 * the interactions' partitions, keyed by interaction id, so a child would see one policy version's outputs split over
 * every partition. Each task would then run its own copy of every detector on a third of the stream (slower to
 * detect) and raise its own alert for the same drift (three alerts where one is wanted). The repartition by scope
 * (compact {@link ObservationSerde} values, not whole scores) puts all of a scope's scores in one task, so each
 * (detector, scope) has exactly one state and one alert gate, wherever the task moves.
 *
 * <p>Why a separate application rather than a sub-topology of the scorer's: the detectors, the second read of every
 * score and the repartition hop cost more CPU per record than featurizing and scoring it (docs/design-notes.md), and
 * in the scorer's application that work sat on the scoring path: a scoring instance could only go as fast as it could
 * also watch. Apart, scores are published at the scorer's own pace, the monitor follows the scores topic
 * with its own consumer group (its lag is visible like any consumer's, and it catches up after a burst), and each
 * scales and restarts on its own. The cost is a few milliseconds of alert latency.
 */
public final class DriftTopology {

  /** The detectors' store; its changelog restores them on another instance after a rebalance. */
  public static final String STORE = "drift-detectors";
  /** Each scope's latest observation time, for forgetting retired scopes. */
  public static final String LAST_SEEN_STORE = "drift-scope-last-seen";
  private static final String MODEL_METRICS_STORE = "model-metrics-store";
  private static final String BRANCH = "drift-intake-";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DriftTopology.class);

  private DriftTopology() {}

  public static Topology build(DriftConfig config, Topics topics) {
    return build(config, topics, new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
  }

  /** @param meters where the detectors' statistics and the alerts are counted ({@link DriftMetrics}) */
  public static Topology build(DriftConfig config, Topics topics, io.micrometer.core.instrument.MeterRegistry meters) {
    HoldoutAccuracies accuracies = new HoldoutAccuracies();
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
        Serdes.ByteArray()).withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LAST_SEEN_STORE),
        Serdes.String(), Serdes.Long()).withCachingEnabled());
    KStream<String, Object> intake = builder
        .stream(topics.scores.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("drift-scores"))
        .process(() -> new ScoreIntake(topics.scores, config.perAgent(), accuracies),
            Named.as("drift-intake"));
    Map<String, KStream<String, Object>> branches = intake.split(Named.as(BRANCH))
        .branch((key, value) -> value instanceof DeadLetter, Branched.as("dead-letters"))
        .defaultBranch(Branched.as("scores"));
    io.micrometer.core.instrument.Counter deadLetters = DeadLetters.counter(meters, ScoreIntake.STAGE);
    branches.get(BRANCH + "dead-letters")
        .mapValues(value -> (DeadLetter) value, Named.as("drift-dead-letter"))
        .peek((key, letter) -> deadLetters.increment(), Named.as("drift-dead-letter-count"))
        .to(topics.deadLetters.name(), Produced.with(Serdes.String(), topics.deadLetters.valueSerde())
            .withName("drift-dead-letters-sink"));
    branches.get(BRANCH + "scores")
        .mapValues(value -> (Observation) value, Named.as("drift-observation"))
        .repartition(Repartitioned.with(Serdes.String(), new ObservationSerde())
            .withName("drift-observations-by-scope"))
        .process(() -> new DriftProcessor(config, STORE, LAST_SEEN_STORE, meters), Named.as("drift-detect"), STORE,
            LAST_SEEN_STORE)
        .to(topics.driftAlerts.name(), Produced.with(Serdes.String(), topics.driftAlerts.valueSerde())
            .withName("drift-alerts-out"));
    Topology topology = builder.build();
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_METRICS_STORE), Serdes.String(),
            Serdes.ByteArray()).withLoggingDisabled(),
        "model-metrics-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        topics.modelUpdates.name(), "model-metrics", () -> new CompactedTopicProcessor(MODEL_METRICS_STORE, value -> {
          try {
            accuracies.update(topics.modelUpdates.decode(value));
          } catch (RecordRejectedException e) {
            // The scorer alerts on unreadable updates; here it only means no accuracy for that version.
            LOG.warn("unreadable model update ignored by the drift monitor: {}", e.getMessage());
          }
        }, reason -> LOG.warn("model update ignored by the drift monitor: {}", reason)));
    return topology;
  }
}
