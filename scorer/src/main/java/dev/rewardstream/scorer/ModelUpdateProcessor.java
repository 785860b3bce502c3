package dev.rewardstream.scorer;

import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.serde.RecordRejectedException;
import dev.rewardstream.serde.TopicSpec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global store of model updates and hands each new version to the {@link ModelHolder}. At start the store is
 * already restored from the compacted topic (restoration bypasses processors), so {@link #init} loads the latest
 * version from it.
 */
final class ModelUpdateProcessor implements Processor<String, byte[], Void, Void> {

  private final String storeName;
  private final TopicSpec<ModelUpdate> topic;
  private final ModelHolder models;
  private KeyValueStore<String, byte[]> store;

  ModelUpdateProcessor(String storeName, TopicSpec<ModelUpdate> topic, ModelHolder models) {
    this.storeName = storeName;
    this.topic = topic;
    this.models = models;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      all.forEachRemaining(entry -> offer(entry.value));
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      models.refuseUnreadable("model update without a key (model name)");
      return;
    }
    store.put(record.key(), record.value());
    offer(record.value());
  }

  private void offer(byte[] value) {
    if (value == null) {
      return;
    }
    try {
      models.offer(topic.decode(value));
    } catch (RecordRejectedException e) {
      models.refuseUnreadable(e.getMessage());
    }
  }
}
