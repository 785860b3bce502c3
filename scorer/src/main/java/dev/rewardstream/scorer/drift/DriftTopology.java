package dev.rewardstream.scorer.drift;

import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.serde.Topics;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The drift sub-topology of the scorer:
 *
 * <pre>
 * scores ─► intake (decode; skip rescores; observation keyed by scope) ─┬─► dead-letters
 *                                                                       └─► repartition by scope ─► detect (store)
 *                                                                                                  ─► drift-alerts
 * </pre>
 *
 * <p>Why a separate sub-topology reading the scores topic rather than a child of the score processor: the score
 * processor's tasks are the interactions' partitions, keyed by interaction id, so a child would see one policy
 * version's outputs split over every partition. Each task would then run its own copy of every detector on a third of
 * the stream (slower to detect) and raise its own alert for the same drift (three alerts where one is wanted). The
 * repartition by scope (compact {@link ObservationSerde} values, not whole scores) puts all of a scope's scores in one task, so each (detector, scope) has exactly one state and
 * one alert gate, wherever the task moves. Reading the topic rather than the processor's output also means the
 * detectors watch every score published there, and a slow detector never holds back scoring. The cost is one read of
 * the scores and one repartition hop, a few milliseconds of alert latency.
 */
public final class DriftTopology {

  /** The detectors' store; its changelog restores them on another instance after a rebalance. */
  public static final String STORE = "drift-detectors";
  private static final String BRANCH = "drift-intake-";

  private DriftTopology() {}

  public static void addTo(StreamsBuilder builder, DriftConfig config, Topics topics, ModelHolder models) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
        Serdes.ByteArray()).withCachingEnabled());
    KStream<String, Object> intake = builder
        .stream(topics.scores.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("drift-scores"))
        .process(() -> new ScoreIntake(topics.scores, config.perAgent()), Named.as("drift-intake"));
    Map<String, KStream<String, Object>> branches = intake.split(Named.as(BRANCH))
        .branch((key, value) -> value instanceof DeadLetter, Branched.as("dead-letters"))
        .defaultBranch(Branched.as("scores"));
    branches.get(BRANCH + "dead-letters")
        .mapValues(value -> (DeadLetter) value, Named.as("drift-dead-letter"))
        .to(topics.deadLetters.name(), Produced.with(Serdes.String(), topics.deadLetters.valueSerde())
            .withName("drift-dead-letters-sink"));
    branches.get(BRANCH + "scores")
        .mapValues(value -> (Observation) value, Named.as("drift-observation"))
        // A new name for the new value format: an upgraded instance never reads the old Avro scores left in the
        // previous repartition topic ("drift-by-scope") as observations.
        .repartition(Repartitioned.with(Serdes.String(), new ObservationSerde())
            .withName("drift-observations-by-scope"))
        .process(() -> new DriftProcessor(config, models, STORE), Named.as("drift-detect"), STORE)
        .to(topics.driftAlerts.name(), Produced.with(Serdes.String(), topics.driftAlerts.valueSerde())
            .withName("drift-alerts-out"));
  }
}
