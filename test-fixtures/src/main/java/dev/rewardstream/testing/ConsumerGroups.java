package dev.rewardstream.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What an application has consumed, as its consumer group committed it: the signal that it has processed everything a
 * test produced (and, for an exactly-once application, that everything it wrote for that input is visible), in place
 * of sleeping until it probably has. Kafka Streams commits every commit interval; Flink's Kafka source commits at a
 * completed checkpoint, but only once its reader's poll returns, up to 10 s later on an idle topic.
 */
public final class ConsumerGroups {

  private ConsumerGroups() {}

  /**
   * Waits until {@code groupId} has committed, on every partition of {@code topic}, the topic's end as a read_committed
   * consumer sees it at that moment.
   *
   * @throws AssertionError with the committed and end offsets last seen, when {@code timeout} passes first
   */
  public static void awaitCaughtUp(String bootstrapServers, String groupId, String topic, Duration timeout) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      Await.until(groupId + " caught up on " + topic, timeout, () -> lag(admin, groupId, topic),
          lag -> lag.values().stream().allMatch(l -> l <= 0));
    }
  }

  /** Per partition: end offset − committed offset (the end when nothing is committed yet). */
  private static Map<TopicPartition, Long> lag(Admin admin, String groupId, String topic) {
    try {
      List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
          .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
          new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> lag = new HashMap<>();
      for (TopicPartition partition : partitions) {
        OffsetAndMetadata offset = committed.get(partition);
        lag.put(partition, ends.get(partition).offset() - (offset == null ? 0 : offset.offset()));
      }
      return lag;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while reading " + groupId + "'s offsets", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("could not read " + groupId + "'s offsets on " + topic + ": " + e.getCause(), e);
    }
  }
}
