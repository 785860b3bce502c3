package dev.rewardstream.dashboard;

import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the topics the dashboard shows, committed records only, without a consumer group (every dashboard sees
 * everything, and none holds offsets): the compacted and low-volume ones from their beginning, the high-volume ones
 * from {@code lookback} ago. A record it cannot decode is skipped: the stage that wrote it owns its dead letter.
 */
final class TopicFollower implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

  private final KafkaConnection kafka;
  private final Topics topics;
  private final DashboardState state;
  private final Duration lookback;
  private volatile boolean running = true;
  private volatile long recordsRead;

  TopicFollower(KafkaConnection kafka, Topics topics, DashboardState state, Duration lookback) {
    this.kafka = kafka;
    this.topics = topics;
    this.state = state;
    this.lookback = lookback;
  }

  @Override
  public void run() {
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, null)) {
      Set<String> fromStart = Set.of(topics.modelUpdates.name(), topics.driftAlerts.name(),
          topics.deadLetters.name());
      Set<String> recent = Set.of(topics.scores.name(), topics.preferences.name(), topics.interactions.name());
      List<TopicPartition> partitions = new ArrayList<>();
      while (running && partitions.isEmpty()) {
        for (String topic : union(fromStart, recent)) {
          partitions.addAll(TopicIO.partitions(consumer, topic));
        }
        if (partitions.isEmpty()) {
          sleep(1_000); // topics not created yet
        }
      }
      consumer.assign(partitions);
      seek(consumer, partitions, recent);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          apply(record);
          recordsRead++;
        }
      }
    } catch (RuntimeException e) {
      if (running) {
        LOG.error("the dashboard stopped following the topics", e);
      }
    }
  }

  long recordsRead() {
    return recordsRead;
  }

  void stop() {
    running = false;
  }

  private void seek(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Set<String> recent) {
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> since = new HashMap<>();
    long from = System.currentTimeMillis() - lookback.toMillis();
    partitions.stream().filter(p -> recent.contains(p.topic())).forEach(p -> since.put(p, from));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since);
    List<TopicPartition> nothingRecent = new ArrayList<>();
    offsets.forEach((partition, offset) -> {
      if (offset == null) {
        nothingRecent.add(partition);
      } else {
        consumer.seek(partition, offset.offset());
      }
    });
    consumer.seekToEnd(nothingRecent);
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    long now = System.currentTimeMillis();
    String topic = record.topic();
    if (record.value() == null) {
      return; // a tombstone on a compacted topic: nothing to show
    }
    try {
      if (topic.equals(topics.scores.name())) {
        state.onScore(topics.scores.decode(record.value()), now);
      } else if (topic.equals(topics.preferences.name())) {
        state.onPreference(topics.preferences.decode(record.value()), now);
      } else if (topic.equals(topics.interactions.name())) {
        state.onInteraction(topics.interactions.decode(record.value()), now);
      } else if (topic.equals(topics.modelUpdates.name())) {
        state.onModelUpdate(topics.modelUpdates.decode(record.value()));
      } else if (topic.equals(topics.driftAlerts.name())) {
        state.onAlert(topics.driftAlerts.decode(record.value()));
      } else if (topic.equals(topics.deadLetters.name())) {
        state.onDeadLetter(topics.deadLetters.decode(record.value()));
      }
    } catch (RecordRejectedException e) {
      LOG.debug("skipped an unreadable record at {}-{}@{}: {}", topic, record.partition(), record.offset(),
          e.getMessage());
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.LinkedHashSet<>(a);
    all.addAll(b);
    return all;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
