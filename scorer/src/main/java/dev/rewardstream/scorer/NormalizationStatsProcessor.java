package dev.rewardstream.scorer;

import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.serde.RecordRejectedException;
import dev.rewardstream.serde.TopicSpec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the global store of normalization statistics and the {@link NormalizationTable} in step with it. */
final class NormalizationStatsProcessor implements Processor<String, byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(NormalizationStatsProcessor.class);
  private final String storeName;
  private final TopicSpec<NormalizationStats> topic;
  private final NormalizationTable table;
  private KeyValueStore<String, byte[]> store;

  NormalizationStatsProcessor(String storeName, TopicSpec<NormalizationStats> topic, NormalizationTable table) {
    this.storeName = storeName;
    this.topic = topic;
    this.table = table;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      all.forEachRemaining(entry -> apply(entry.value));
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() != null && record.value() != null) {
      store.put(record.key(), record.value());
      apply(record.value());
    }
  }

  private void apply(byte[] value) {
    try {
      table.update(topic.decode(value));
    } catch (RecordRejectedException e) {
      // Written only by the feature job; an unreadable snapshot leaves the previous one in use.
      LOG.warn("unreadable normalization statistics ignored: {}", e.getMessage());
    }
  }
}
