package dev.rewardstream.scorer.pairs;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.streams.CompactedTopicProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Suggests which pairs of outputs to label next.
 *
 * <pre>
 * interactions ─► text outputs, keyed by prompt ─► repartition by prompt ─► compare with the prompt's recent outputs
 *                                                                            under the live version ─► pair-suggestions
 * model-updates ─► global store ─► ModelHolder (verify, load, swap)
 * </pre>
 *
 * <p>Interactions are keyed by their own id, so two answers to one prompt usually sit in different partitions; the
 * repartition brings a prompt's outputs to one task. An interaction that cannot be read, or has no prompt and
 * response, is no candidate for a text pair and is passed over here: the scorer dead-letters the unreadable ones.
 */
public final class PairSuggestionTopology {

  static final String CANDIDATES_STORE = "recent-outputs-by-prompt";
  private static final String MODEL_STORE = "model-updates-store";

  private PairSuggestionTopology() {}

  public static Topology build(PairSuggestionConfig config, Topics topics, ModelHolder models) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        topics.modelUpdates.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
        () -> new CompactedTopicProcessor(MODEL_STORE, value -> {
          try {
            models.offer(topics.modelUpdates.decode(value));
          } catch (RecordRejectedException e) {
            models.refuseUnreadable(e.getMessage());
          }
        }, models::refuseUnreadable));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CANDIDATES_STORE),
        Serdes.String(), Serdes.ByteArray()));
    builder.stream(topics.interactions.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .flatMap((key, value) -> {
          Interaction interaction;
          try {
            interaction = topics.interactions.decode(value);
          } catch (RecordRejectedException e) {
            return List.<KeyValue<String, byte[]>>of();
          }
          if (interaction.getPrompt() == null || interaction.getResponse() == null) {
            return List.<KeyValue<String, byte[]>>of();
          }
          return List.of(KeyValue.pair(promptKey(interaction.getPrompt()), value));
        })
        .repartition(Repartitioned.<String, byte[]>as("by-prompt").withKeySerde(Serdes.String())
            .withValueSerde(Serdes.ByteArray()))
        .process(() -> new SuggestPairsProcessor(config, topics, models), CANDIDATES_STORE)
        .to(topics.pairSuggestions.name(), Produced.with(Serdes.String(), topics.pairSuggestions.valueSerde()));
    return builder.build();
  }

  /** Hex of a 64-bit FNV-1a hash of the prompt's UTF-8 bytes: short, stable across JVMs and languages. */
  static String promptKey(String prompt) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : prompt.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return String.format("%016x", hash);
  }
}
