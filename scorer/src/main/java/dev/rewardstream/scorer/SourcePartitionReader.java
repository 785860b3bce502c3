package dev.rewardstream.scorer;

import dev.rewardstream.serde.TopicIO;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads records of an input partition back by offset. The scorer's retained window holds the latest offsets of each
 * interactions partition, which the partition itself already stores durably: this is how a restarted task refills
 * its window instead of writing every interaction a second time to a changelog (the same idea as Kafka Streams'
 * source-topic changelogs for source tables).
 */
@FunctionalInterface
public interface SourcePartitionReader {

  /** A record of the partition: its offset and value. */
  record OffsetValue(long offset, byte[] value) {}

  /**
   * The committed records at offsets in [{@code from}, {@code to}) of the partition, in offset order; fewer when
   * retention has already deleted the oldest.
   */
  List<OffsetValue> read(String topic, int partition, long from, long to);

  /** Reads with a short-lived read_committed consumer of its own (no group, nothing committed). */
  static SourcePartitionReader kafka(String bootstrapServers) {
    return (topic, partition, from, to) -> {
      List<OffsetValue> read = new ArrayList<>();
      if (from >= to) {
        return read;
      }
      TopicPartition source = new TopicPartition(topic, partition);
      try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(bootstrapServers, null)) {
        consumer.assign(List.of(source));
        long start = Math.max(from, consumer.beginningOffsets(List.of(source)).get(source));
        long end = Math.min(to, consumer.endOffsets(List.of(source)).get(source));
        consumer.seek(source, start);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // Transaction markers and aborted records take offsets but are never returned: the position, not the count
        // of records, says when the range is done.
        while (consumer.position(source) < end && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.offset() < to) {
              read.add(new OffsetValue(record.offset(), record.value()));
            }
          }
        }
      }
      return read;
    };
  }
}
