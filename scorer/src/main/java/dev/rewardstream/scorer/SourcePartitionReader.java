package dev.rewardstream.scorer;

import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
   * retention has already deleted the oldest, or when the broker does not deliver them within {@link #READ_DEADLINE}.
   */
  List<OffsetValue> read(String topic, int partition, long from, long to);

  /**
   * How long a read may take before it returns what it has. It runs on a stream thread inside an open exactly-once
   * transaction, which the broker aborts after Kafka Streams' 10 s transaction timeout: a window of 1,000 records
   * reads in well under a second, and a slow broker costs part of one rescoring, not a fenced task.
   */
  Duration READ_DEADLINE = Duration.ofSeconds(5);

  /** How many partitions {@code topic} has; -1 when this reader cannot tell. */
  default int partitionCount(String topic) {
    return -1;
  }

  /**
   * The offset the application's task of this partition resumes from (its group's committed offset); -1 when none is
   * committed or this reader cannot tell.
   */
  default long resumeOffset(String topic, int partition) {
    return -1;
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /**
   * Reads with a short-lived read_committed consumer of its own, which never joins a group and commits nothing; it
   * looks up the committed offsets of {@code applicationId}'s group.
   */
  static SourcePartitionReader kafka(KafkaConnection kafka, String applicationId) {
    SourcePartitionReader byOffset = (topic, partition, from, to) -> {
      List<OffsetValue> read = new ArrayList<>();
      if (from >= to) {
        return read;
      }
      TopicPartition source = new TopicPartition(topic, partition);
      long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
      try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, null)) {
        consumer.assign(List.of(source));
        long start = Math.max(from, consumer.beginningOffsets(List.of(source), remaining(deadline)).get(source));
        long end = Math.min(to, consumer.endOffsets(List.of(source), remaining(deadline)).get(source));
        consumer.seek(source, start);
        // Transaction markers and aborted records take offsets but are never returned: the position, not the count
        // of records, says when the range is done.
        while (consumer.position(source, remaining(deadline)) < end && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            if (record.offset() < to) {
              read.add(new OffsetValue(record.offset(), record.value()));
            }
          }
        }
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        // A broker too slow to answer in time: what was read is kept, part of the window rather than none.
      }
      return read;
    };
    return new SourcePartitionReader() {
      @Override
      public List<OffsetValue> read(String topic, int partition, long from, long to) {
        return byOffset.read(topic, partition, from, to);
      }

      @Override
      public int partitionCount(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, null)) {
          return consumer.partitionsFor(topic, READ_DEADLINE).size();
        } catch (org.apache.kafka.common.KafkaException e) {
          return -1;
        }
      }

      @Override
      public long resumeOffset(String topic, int partition) {
        TopicPartition source = new TopicPartition(topic, partition);
        try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, applicationId)) {
          OffsetAndMetadata committed = consumer.committed(Set.of(source), READ_DEADLINE).get(source);
          return committed == null ? -1 : committed.offset();
        } catch (org.apache.kafka.common.KafkaException e) {
          return -1;
        }
      }
    };
  }
}
