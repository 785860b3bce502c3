package dev.rewardstream.bench;

import dev.rewardstream.jobs.FeatureJobConfig;
import dev.rewardstream.jobs.LocalFeatureJob;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.PreferenceSide;
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

/**
 * The feature job on a MiniCluster fed answer pairs and their preferences at a steady rate, while a read_committed
 * consumer notes each training example as it becomes visible: what the feature-job latency scenario measures and
 * {@code FeatureJobCompletenessTest} checks.
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
    try (LocalFeatureJob job = LocalFeatureJob.start(infra.kafka(),
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
        awaitIds("every example visible", () -> ids.size() >= expected, ids);
        // A duplicate the job emitted before this last pair is committed with it at the latest.
        send(producer, topics, "last");
        awaitIds("the last pair's example", () -> ids.contains("plast"), ids);
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
    Instant now = Instant.now();
    TopicIO.send(producer, topics.interactions, a, interaction(a, "one answer " + n, now));
    TopicIO.send(producer, topics.interactions, b, interaction(b, "another answer " + n, now));
    Preference preference = Preference.newBuilder().setPreferenceId("p" + n).setEventTime(now)
        .setA(PreferenceSide.newBuilder().setInteractionId(a).build())
        .setB(PreferenceSide.newBuilder().setInteractionId(b).build())
        .setOutcome(PreferenceOutcome.A).setSource(LabelSource.HUMAN).setConfidence(0.9f).build();
    TopicIO.send(producer, topics.preferences, preference.getPreferenceId(), preference);
    producer.flush();
  }

  private static Interaction interaction(String id, String response, Instant at) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("agent-1").setPolicyVersion("policy-1")
        .setEventTime(at).setPrompt("q").setResponse(response).build();
  }

  /** Fails the run with how many examples were seen when the feature job does not deliver within 30 s. */
  private static void awaitIds(String what, java.util.function.BooleanSupplier done, List<String> ids)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " did not happen within 30 s; " + ids.size() + " examples seen");
      }
      Thread.sleep(20);
    }
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
