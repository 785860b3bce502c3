package dev.rewardstream.alerts;

import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the drift-alerts topic ({@code read_committed}), prints each alert that passes the filter as one line and,
 * with a {@link WebhookSink}, delivers it.
 *
 * <p>Where it starts: with a consumer group, at the group's committed offsets, else at the beginning (or the end with
 * {@code fromNow}); without a group, at the beginning or the end. With a group, an alert's offset is committed only
 * once it is printed and delivered or dead-lettered, so a follower stopped at any point resumes without losing one.
 * With a burst window, alerts of one scope and status that come within the window of the first are delivered as one
 * notification ({@link AlertBursts}); each stays a record of its own on the topic.
 * An unreadable record is reported on the output and, when delivering, dead-lettered like an undelivered alert.
 */
public final class AlertFollower {

  /** What a run did: alerts that matched, were delivered, were dead-lettered; unreadable records seen. */
  public record Summary(int matched, int delivered, int deadLettered, int unreadable) {}

  private final KafkaConnection kafka;
  private final Topics topics;
  private final String group;
  private final boolean fromNow;
  private final AlertFilter filter;
  private final WebhookSink webhook;
  private final Duration burstWindow;
  private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private int delivered;
  private int deadLettered;

  /**
   * @param group consumer group whose offsets record progress, or null to read without committing
   * @param webhook where matching alerts are delivered, or null to print only
   * @param burstWindow how long the first alert of a scope waits for others of the same scope and status, to be
   *     delivered with them as one notification; zero delivers every alert as it comes
   */
  public AlertFollower(KafkaConnection kafka, Topics topics, String group, boolean fromNow, AlertFilter filter,
      WebhookSink webhook, Duration burstWindow) {
    this.kafka = kafka;
    this.topics = topics;
    this.group = group;
    this.fromNow = fromNow;
    this.filter = filter;
    this.webhook = webhook;
    this.burstWindow = burstWindow;
  }

  /**
   * Follows until {@code max} alerts matched (0: no limit), {@code timeout} passed (zero: no limit) or the thread is
   * interrupted; alerts still waiting for their burst are delivered before it returns.
   */
  public Summary run(PrintWriter out, int max, Duration timeout) throws InterruptedException {
    long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    int matched = 0;
    int unreadable = 0;
    delivered = 0;
    deadLettered = 0;
    nextOffset.clear();
    committed.clear();
    AlertBursts bursts = new AlertBursts(burstWindow);
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, group)) {
      position(consumer);
      while ((max == 0 || matched < max) && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (max > 0 && matched >= max) {
            break;
          }
          DriftAlert alert;
          try {
            alert = topics.driftAlerts.decode(record.value());
          } catch (RecordRejectedException e) {
            unreadable++;
            out.printf("unreadable alert at %s/%d@%d: %s%n", record.topic(), record.partition(), record.offset(),
                e.getMessage());
            if (webhook != null) {
              webhook.deadLetterUnreadable(record, e);
              deadLettered++;
            }
            done(consumer, record, bursts);
            continue;
          }
          if (filter.matches(alert)) {
            matched++;
            out.println(AlertFilter.line(alert));
            if (webhook != null) {
              if (bursts.groups(alert)) {
                bursts.add(record, alert, System.nanoTime());
              } else {
                deliver(out, List.of(new AlertBursts.Held(record, alert)));
              }
            }
          }
          out.flush();
          done(consumer, record, bursts);
        }
        for (List<AlertBursts.Held> burst : bursts.due(System.nanoTime())) {
          deliver(out, burst);
          commitDelivered(consumer, bursts);
        }
      }
      for (List<AlertBursts.Held> burst : bursts.drain()) {
        deliver(out, burst);
      }
      commitDelivered(consumer, bursts);
    }
    out.flush();
    return new Summary(matched, delivered, deadLettered, unreadable);
  }

  private void deliver(PrintWriter out, List<AlertBursts.Held> alerts) throws InterruptedException {
    WebhookSink.Outcome outcome = webhook.deliver(alerts.stream().map(AlertBursts.Held::record).toList(),
        alerts.stream().map(AlertBursts.Held::alert).toList());
    if (outcome.delivered()) {
      delivered += alerts.size();
      if (alerts.size() > 1) {
        out.printf("  delivered as one notification: %d alerts on %s%n", alerts.size(),
            alerts.get(0).alert().getScope());
      }
    } else {
      deadLettered += alerts.size();
      out.printf("  not delivered, dead-lettered: %s%n", outcome.failure());
    }
    out.flush();
  }

  /** The record was printed and, unless held for its burst, delivered: its offset may be committed. */
  private void done(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecord<byte[], byte[]> record,
      AlertBursts bursts) {
    nextOffset.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
    commitDelivered(consumer, bursts);
  }

  /**
   * Commits, per partition, up to the first alert still held for its burst: a commit never gets ahead of a delivery.
   * Synchronous: alerts are few.
   */
  private void commitDelivered(KafkaConsumer<byte[], byte[]> consumer, AlertBursts bursts) {
    if (group == null) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    nextOffset.forEach((partition, next) -> {
      long safe = Math.min(next, bursts.firstHeldOffset(partition));
      if (safe > committed.getOrDefault(partition, -1L)) {
        offsets.put(partition, new OffsetAndMetadata(safe));
        committed.put(partition, safe);
      }
    });
    if (!offsets.isEmpty()) {
      consumer.commitSync(offsets);
    }
  }

  private void position(KafkaConsumer<byte[], byte[]> consumer) {
    String topic = topics.driftAlerts.name();
    if (group == null) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer, topic);
      consumer.assign(partitions);
      if (fromNow) {
        consumer.seekToEnd(partitions);
      } else {
        consumer.seekToBeginning(partitions);
      }
      return;
    }
    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        if (!fromNow) {
          return; // the consumer's reset policy is earliest
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(assigned));
        List<TopicPartition> fresh = assigned.stream().filter(p -> committed.get(p) == null).toList();
        consumer.seekToEnd(fresh);
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> revoked) {}
    });
  }
}
