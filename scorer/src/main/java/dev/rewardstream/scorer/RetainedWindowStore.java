package dev.rewardstream.scorer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.ProcessorContext;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The rescoring window of one task: the serialized values of the last {@code slots} offsets of its input partition,
 * offset {@code o} in slot {@code o mod slots}. A state store, so Kafka Streams creates, closes and hands it over with
 * its task; in memory and without a changelog, because the input partition is its durable copy (see
 * {@link ScoreProcessor}). Slots are array entries: one array write per scored record, where a key-value store spent
 * a sorted-map insert and a serialized key on each (6% of the scorer's processing time).
 */
final class RetainedWindowStore implements StateStore {

  private final String name;
  private final byte[][] values;
  private final long[] offsets;
  private long latestOffset = -1;
  private boolean open;

  private RetainedWindowStore(String name, int slots) {
    this.name = name;
    this.values = new byte[slots][];
    this.offsets = new long[slots];
  }

  static StoreBuilder<RetainedWindowStore> builder(String name, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("a retained window needs at least one slot, got " + slots);
    }
    return new Builder(name, slots);
  }

  /** Keeps the value of {@code offset}, replacing the one {@code slots} offsets older. */
  void put(long offset, byte[] value) {
    int slot = (int) (offset % values.length);
    values[slot] = value;
    offsets[slot] = offset;
    latestOffset = Math.max(latestOffset, offset);
  }

  /** The highest offset put since the store opened, -1 before any. */
  long latestOffset() {
    return latestOffset;
  }

  /**
   * The values of the last {@code slots} offsets up to the latest one put, oldest first. A slot whose offset fell out
   * of that range (its successor was skipped: dead-lettered, or a transaction marker) holds nothing of the window.
   */
  List<byte[]> valuesByOffset() {
    List<Integer> filled = new ArrayList<>(values.length);
    for (int slot = 0; slot < values.length; slot++) {
      if (values[slot] != null && offsets[slot] > latestOffset - values.length) {
        filled.add(slot);
      }
    }
    filled.sort((a, b) -> Long.compare(offsets[a], offsets[b]));
    List<byte[]> ordered = new ArrayList<>(filled.size());
    for (int slot : filled) {
      ordered.add(values[slot]);
    }
    return ordered;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    // Nothing to restore: an empty window is refilled from the input partition when a version first needs it.
    context.register(root, (key, value) -> { });
    open = true;
  }

  /** Kafka Streams calls {@link #init(StateStoreContext, StateStore)}; this old entry point is never used. */
  @Override
  @Deprecated
  public void init(ProcessorContext context, StateStore root) {
    throw new UnsupportedOperationException("initialized through init(StateStoreContext, StateStore)");
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    java.util.Arrays.fill(values, null);
    latestOffset = -1;
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  private record Builder(String name, int slots) implements StoreBuilder<RetainedWindowStore> {

    @Override
    public RetainedWindowStore build() {
      return new RetainedWindowStore(name, slots);
    }

    @Override
    public StoreBuilder<RetainedWindowStore> withCachingEnabled() {
      throw new UnsupportedOperationException("the retained window has no cache: it is written once per record");
    }

    @Override
    public StoreBuilder<RetainedWindowStore> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<RetainedWindowStore> withLoggingEnabled(Map<String, String> config) {
      throw new UnsupportedOperationException("the retained window's durable copy is the input partition");
    }

    @Override
    public StoreBuilder<RetainedWindowStore> withLoggingDisabled() {
      return this;
    }

    @Override
    public Map<String, String> logConfig() {
      return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
      return false;
    }
  }
}
