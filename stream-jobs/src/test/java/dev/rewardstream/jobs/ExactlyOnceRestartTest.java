package dev.rewardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill the feature job while records are flowing, restart it from its last checkpoint, and every training example
 * appears exactly once for a read_committed reader: no loss, no duplicate.
 */
class ExactlyOnceRestartTest extends JobTestBase {

  private static final int PAIRS = 600;

  @TempDir Path dir;

  @Test
  void shouldEmitEveryExampleExactlyOnceAcrossAKillAndRestore() throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"))) {
      Topics topics = infra.topics();
      FeatureJobConfig config = FeatureJobConfig.defaults(infra.serdeConfig());
      Path checkpoints = dir.resolve("checkpoints");
      AtomicInteger sent = new AtomicInteger();
      Thread producer = new Thread(() -> produce(infra, topics, sent), "producer");

      LocalFeatureJob first = LocalFeatureJob.start(infra.kafka(), config, checkpoints,
          Duration.ofMillis(300), 2);
      producer.start();
      TopicIO.readUntil(infra.bootstrapServers(), topics.trainingExamples, Duration.ofSeconds(60),
          read -> read.size() >= PAIRS / 5);
      assertThat(sent.get()).as("killed mid-stream").isLessThan(PAIRS);
      first.close();

      LocalFeatureJob second = LocalFeatureJob.start(infra.kafka(), config, checkpoints,
          Duration.ofMillis(300), 2);
      try {
        assertThat(second.restoredFrom()).isPresent();
        producer.join();
        TopicIO.readUntil(infra.bootstrapServers(), topics.trainingExamples, Duration.ofSeconds(90),
            read -> read.size() >= PAIRS);
        // A duplicate emitted before one more pair commits with that pair's example at the latest: wait for it.
        try (KafkaProducer<byte[], byte[]> last = TopicIO.producer(infra.bootstrapServers())) {
          TopicIO.send(last, topics.interactions, "a-last", interaction("a-last", "q", "answer one"));
          TopicIO.send(last, topics.interactions, "b-last", interaction("b-last", "q", "answer two"));
          TopicIO.send(last, topics.preferences, "p-last", preference("p-last", "a-last", "b-last",
              PreferenceOutcome.A));
        }
        List<TrainingExample> examples = TopicIO.readUntil(infra.bootstrapServers(), topics.trainingExamples,
            Duration.ofSeconds(60), read -> read.stream().anyMatch(e -> e.getExampleId().equals("p-last")))
            .stream().filter(e -> !e.getExampleId().equals("p-last")).toList();

        Map<String, Long> copies = examples.stream()
            .collect(Collectors.groupingBy(TrainingExample::getExampleId, Collectors.counting()));
        assertThat(copies).hasSize(PAIRS);
        assertThat(copies.values()).allMatch(n -> n == 1);
        assertThat(examples).hasSize(PAIRS);
      } finally {
        second.close();
      }
    }
  }

  /** Interactions and their preference, one pair at a time, throttled so the kill lands mid-stream. */
  private static void produce(EmbeddedInfrastructure infra, Topics topics, AtomicInteger sent) {
    try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
      for (int i = 0; i < PAIRS; i++) {
        TopicIO.send(producer, topics.interactions, "a" + i, interaction("a" + i, "q" + i, "answer one " + i));
        TopicIO.send(producer, topics.interactions, "b" + i, interaction("b" + i, "q" + i, "answer two " + i));
        TopicIO.send(producer, topics.preferences, "p" + i, preference("p" + i, "a" + i, "b" + i,
            i % 2 == 0 ? PreferenceOutcome.A : PreferenceOutcome.B));
        sent.incrementAndGet();
        if (i % 20 == 0) {
          producer.flush();
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
