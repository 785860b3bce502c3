package dev.rewardstream.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * A topic: its name, layout and the serde of its values. Keys are always UTF-8 strings (ids), so any Kafka tool can
 * read them.
 */
public record TopicSpec<V extends SpecificRecord>(
    String name, int partitions, Map<String, String> config, ConfluentAvroSerde<V> valueSerde) {

  public byte[] encode(V value) {
    return valueSerde.encode(name, value);
  }

  public V decode(byte[] bytes) {
    return valueSerde.decode(name, bytes);
  }
}
