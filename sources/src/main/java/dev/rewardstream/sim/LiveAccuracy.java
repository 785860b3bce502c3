package dev.rewardstream.sim;

import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows the scores topic and measures the live model on the simulator's held-out pairs: the share of pairs whose
 * two answers, scored by the same (newest) version, are ordered like their true rewards, and like their drawn labels.
 */
public final class LiveAccuracy implements Runnable, AutoCloseable {

  /** A pair the system was never told the label of: its answers' interaction ids, true rewards and the label. */
  public record HeldOutPair(String a, String b, double rewardA, double rewardB, boolean labelPrefersA) {}

  /** Accuracy of one model version on the held-out pairs it scored. */
  public record Measurement(long modelVersion, int pairs, double trueOrderAccuracy, double labelAccuracy,
      double bayesOptimalLabelAccuracy) {}

  private record Scored(long version, double reward) {}

  private final Topics topics;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, Scored> latest = new ConcurrentHashMap<>();
  private final AtomicLong scores = new AtomicLong();
  private volatile boolean running = true;

  public LiveAccuracy(KafkaConnection kafka, Topics topics) {
    this.topics = topics;
    this.consumer = TopicIO.consumer(kafka, null);
  }

  @Override
  public void run() {
    try {
      List<org.apache.kafka.common.TopicPartition> partitions = TopicIO.partitions(consumer,
          topics.scores.name());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            Score score = topics.scores.decode(record.value());
            latest.merge(score.getInteractionId(), new Scored(score.getModelVersion(), score.getRawReward()),
                (old, now) -> now.version >= old.version ? now : old);
            scores.incrementAndGet();
          } catch (RecordRejectedException e) {
            // Not ours to judge: the scorer's own output; a broken score shows up as a missing measurement.
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } finally {
      consumer.close();
    }
  }

  public long scoresSeen() {
    return scores.get();
  }

  /** Measures the newest version that scored both sides of at least one held-out pair. */
  public Measurement measure(Map<String, HeldOutPair> pairs, Labeler labeler) {
    long newest = 0;
    for (HeldOutPair pair : pairs.values()) {
      Scored a = latest.get(pair.a());
      Scored b = latest.get(pair.b());
      if (a != null && b != null && a.version == b.version) {
        newest = Math.max(newest, a.version);
      }
    }
    int n = 0;
    int trueOrder = 0;
    int label = 0;
    double bayes = 0;
    for (HeldOutPair pair : pairs.values()) {
      Scored a = latest.get(pair.a());
      Scored b = latest.get(pair.b());
      if (a == null || b == null || a.version != newest || b.version != newest || pair.rewardA() == pair.rewardB()) {
        continue;
      }
      n++;
      boolean modelPrefersA = a.reward > b.reward;
      trueOrder += modelPrefersA == (pair.rewardA() > pair.rewardB()) ? 1 : 0;
      label += modelPrefersA == pair.labelPrefersA() ? 1 : 0;
      bayes += labeler.bayesOptimalAccuracy(pair.rewardA(), pair.rewardB());
    }
    return n == 0 ? new Measurement(newest, 0, Double.NaN, Double.NaN, Double.NaN)
        : new Measurement(newest, n, (double) trueOrder / n, (double) label / n, bayes / n);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
  }
}
