package dev.rewardstream.streams;

import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global store of a compacted topic (model updates, normalization statistics) and hands every value to
 * {@code apply}: at start the store is already restored from the topic (restoration bypasses processors), so
 * {@link #init} replays it; afterwards each new record as it comes. Keyless records go to {@code rejectKeyless}.
 */
public final class CompactedTopicProcessor implements Processor<String, byte[], Void, Void> {

  private final String storeName;
  private final Consumer<byte[]> apply;
  private final Consumer<String> rejectKeyless;
  private KeyValueStore<String, byte[]> store;

  public CompactedTopicProcessor(String storeName, Consumer<byte[]> apply, Consumer<String> rejectKeyless) {
    this.storeName = storeName;
    this.apply = apply;
    this.rejectKeyless = rejectKeyless;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      all.forEachRemaining(entry -> {
        if (entry.value != null) {
          apply.accept(entry.value);
        }
      });
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      rejectKeyless.accept("record without a key on " + storeName);
      return;
    }
    store.put(record.key(), record.value());
    if (record.value() != null) {
      apply.accept(record.value());
    }
  }
}
