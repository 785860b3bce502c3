package dev.rewardstream.dashboard;

import dev.rewardstream.serde.KafkaConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Lag of every consumer group of the cluster, the way an operator's tools compute it: end offset (read_committed)
 * minus committed offset, summed over the group's partitions. The feature job's groups, the trainer's and each
 * Streams application's are all consumer groups, so this is the lag per stage.
 */
final class ConsumerLag implements AutoCloseable {

  /** A group's lag and its state (Stable, Empty, PreparingRebalance...): an empty group's stage is not running. */
  record Group(long lag, String state) {}

  private final Admin admin;

  ConsumerLag(KafkaConnection kafka) {
    this.admin = Admin.create(kafka.properties());
  }

  Map<String, Group> byGroup() throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, Group> lag = new HashMap<>();
    for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      if (committed.isEmpty()) {
        continue;
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
      var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
          .get(10, TimeUnit.SECONDS);
      long total = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
        if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
          total += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
        }
      }
      lag.put(group.groupId(), new Group(total, group.state().map(Object::toString).orElse("unknown")));
    }
    return lag;
  }

  @Override
  public void close() {
    admin.close();
  }
}
