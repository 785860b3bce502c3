package dev.rewardstream.jobs;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.Await;
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

/**
 * The feature job on a MiniCluster fed answer pairs and their preferences at a steady rate, while a read_committed
 * consumer notes each training example as it becomes visible: what the completeness test checks and the latency
 * bench measures.
 *
 * @param sent preferences sent
 * @param exampleIds the ids of the examples seen before the run's closing pair, in order, duplicates included
 * @param latenciesMillis per example seen, from its preference's send time until it was read
 */
record SteadyPreferenceRun(int sent, List<String> exampleIds, List<Long> latenciesMillis) {

  static SteadyPreferenceRun run(EmbeddedInfrastructure infra, Path checkpoints, Duration checkpointInterval,
      int pairsPerSecond, Duration duration) throws Exception {
    Topics topics = infra.topics();
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    try (LocalFeatureJob job = LocalFeatureJob.start(infra.bootstrapServers(),
        FeatureJobConfig.defaults(infra.serdeConfig()), checkpoints, checkpointInterval, 2)) {
      AtomicBoolean reading = new AtomicBoolean(true);
      Thread reader = new Thread(() -> read(infra, topics, ids, latencies, reading), "reader");
      reader.start();
      int sent = 0;
      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / pairsPerSecond;
        while (System.nanoTime() - start < duration.toNanos()) {
          send(producer, topics, Integer.toString(sent));
          sent++;
          long sleep = start + sent * intervalNanos - System.nanoTime();
          if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          }
        }
        int expected = sent;
        Await.until("every example visible", Duration.ofSeconds(30), ids::size, n -> n >= expected);
        // A duplicate the job emitted before this last pair is committed with it at the latest.
        send(producer, topics, "last");
        Await.until("the last pair's example", Duration.ofSeconds(30), () -> List.copyOf(ids),
            seen -> seen.contains("plast"));
      }
      reading.set(false);
      reader.join();
      List<String> before = List.copyOf(ids);
      return new SteadyPreferenceRun(sent, before.subList(0, before.indexOf("plast")),
          List.copyOf(latencies).subList(0, before.indexOf("plast")));
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, String n) {
    String a = "a" + n;
    String b = "b" + n;
    TopicIO.send(producer, topics.interactions, a, JobTestBase.interaction(a, "q", "one answer " + n));
    TopicIO.send(producer, topics.interactions, b, JobTestBase.interaction(b, "q", "another answer " + n));
    var preference = JobTestBase.preference("p" + n, a, b, PreferenceOutcome.A);
    preference.setEventTime(Instant.now());
    TopicIO.send(producer, topics.preferences, preference.getPreferenceId(), preference);
    producer.flush();
  }

  private static void read(EmbeddedInfrastructure infra, Topics topics, List<String> ids, List<Long> latencies,
      AtomicBoolean running) {
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(infra.bootstrapServers(), null)) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer, topics.trainingExamples.name());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          TrainingExample example = topics.trainingExamples.decode(record.value());
          ids.add(example.getExampleId());
          latencies.add(System.currentTimeMillis() - example.getEventTime().toEpochMilli());
        }
      }
    }
  }
}
