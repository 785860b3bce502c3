package dev.rewardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end latency of the feature job: preference produced (its event time is the send time) → the training
 * example visible to a read_committed consumer, at a steady input rate, for a few checkpoint intervals. Exactly-once
 * makes an example visible only when the checkpoint that covers it completes, so the interval is the main cost.
 * Run: {@code mvn -B -pl stream-jobs -am test -Dgroups=bench -Dbench.excluded=none -Dtest=FeatureJobLatencyBench
 * -Dsurefire.failIfNoSpecifiedTests=false}; figures go to standard output (target/surefire-reports/*-output.txt).
 */
@Tag("bench")
class FeatureJobLatencyBench extends JobTestBase {

  private static final int PAIRS_PER_SECOND = 50;
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {250, 500, 1000, 2000})
  void measureLatencyAtASteadyRate(int checkpointMs) throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"))) {
      Topics topics = infra.topics();
      LocalFeatureJob job = LocalFeatureJob.start(infra.bootstrapServers(),
          FeatureJobConfig.defaults(infra.serdeConfig()), dir.resolve("checkpoints"), Duration.ofMillis(checkpointMs),
          2);
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean producing = new AtomicBoolean(true);
      Thread reader = new Thread(() -> read(infra, topics, latencies, producing), "reader");
      reader.start();
      int sent = 0;
      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / PAIRS_PER_SECOND;
        while (System.nanoTime() - start < RUN.toNanos()) {
          String a = "a" + sent;
          String b = "b" + sent;
          TopicIO.send(producer, topics.interactions, a, interaction(a, "q", "one answer " + sent));
          TopicIO.send(producer, topics.interactions, b, interaction(b, "q", "another answer " + sent));
          var preference = preference("p" + sent, a, b, PreferenceOutcome.A);
          preference.setEventTime(Instant.now());
          TopicIO.send(producer, topics.preferences, preference.getPreferenceId(), preference);
          producer.flush();
          sent++;
          long next = start + sent * intervalNanos;
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          }
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (latencies.size() < sent && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      producing.set(false);
      reader.join();
      job.close();
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      System.out.printf("feature job latency, checkpoint %d ms, %d pairs/s, %d examples: p50 %d ms, p95 %d ms, "
              + "p99 %d ms, max %d ms%n", checkpointMs, PAIRS_PER_SECOND, sorted.size(), percentile(sorted, 50),
          percentile(sorted, 95), percentile(sorted, 99), sorted.get(sorted.size() - 1));
      assertThat(sorted).hasSize(sent);
    }
  }

  private static void read(EmbeddedInfrastructure infra, Topics topics, List<Long> latencies, AtomicBoolean running) {
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(infra.bootstrapServers(), null)) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer,
          topics.trainingExamples.name());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          TrainingExample example = topics.trainingExamples.decode(record.value());
          latencies.add(System.currentTimeMillis() - example.getEventTime().toEpochMilli());
        }
      }
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
