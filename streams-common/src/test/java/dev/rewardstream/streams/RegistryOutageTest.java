package dev.rewardstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedKafka;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.platform.TopicAdmin;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.Await;
import dev.rewardstream.testing.RestartableRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application started while the schema registry is down meets records whose writer schema it has never fetched:
 * its stream threads are replaced until the registry answers, and then every record comes through once.
 */
class RegistryOutageTest {

  private static final String DECODED = "decoded-ids";

  @TempDir Path dir;

  @Test
  void shouldReadEveryRecordOnceWhenTheRegistryIsBackInsteadOfStopping() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), FreePorts.next(), FreePorts.next())) {
      String bootstrap = kafka.bootstrapServers();
      RestartableRegistry registry = RestartableRegistry.start(bootstrap);
      SerdeConfig serde = SerdeConfig.of(registry.url());
      Topics producerTopics = Topics.connect(serde);
      TopicAdmin.ensureTopics(bootstrap, producerTopics);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic(DECODED, 1, (short) 1))).all().get();
      }
      List<String> sent = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(bootstrap)) {
        for (int i = 0; i < 50; i++) {
          String id = "i-" + i;
          TopicIO.send(producer, producerTopics.interactions, id, Interaction.newBuilder().setInteractionId(id)
              .setAgentId("agent").setPolicyVersion("p1").setEventTime(Instant.now()).setPrompt("q")
              .setResponse("a").build());
          sent.add(id);
        }
        producer.flush();
      }
      registry.stop();

      // Given an application whose registry client has fetched nothing, started during the outage
      Topics topics = Topics.connect(serde);
      StreamsBuilder builder = new StreamsBuilder();
      builder.stream(topics.interactions.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
          .mapValues(value -> topics.interactions.decode(value).getInteractionId().getBytes(StandardCharsets.UTF_8))
          .to(DECODED, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
      KafkaStreams streams = StreamsApplications.create(builder.build(),
          StreamsApplications.properties("outage-app", KafkaConnection.plaintext(bootstrap), dir.resolve("state"), 1));
      streams.start();
      try {
        // When it meets the records, it keeps going without decoding any
        Thread.sleep(3 * StreamsApplications.REGISTRY_RETRY_PAUSE.toMillis());
        assertThat(streams.state()).as("still up during the outage").isIn(KafkaStreams.State.RUNNING,
            KafkaStreams.State.REBALANCING);
        assertThat(readDecoded(bootstrap, Duration.ofSeconds(1))).isEmpty();

        // Then once the registry is back, every record comes through exactly once
        registry.restart();
        List<String> decoded = Await.until("every record decoded", Duration.ofSeconds(60),
            () -> readDecoded(bootstrap, Duration.ofSeconds(1)), read -> read.size() >= sent.size());
        Thread.sleep(1_000);
        assertThat(readDecoded(bootstrap, Duration.ofSeconds(1))).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(decoded).doesNotHaveDuplicates();
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
      } finally {
        StreamsApplications.stop(streams);
        registry.stop();
      }
    }
  }

  /** What the application committed to its output so far. */
  private static List<String> readDecoded(String bootstrap, Duration wait) {
    List<String> ids = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(bootstrap, "reader-" + System.nanoTime())) {
      consumer.assign(TopicIO.partitions(consumer, DECODED));
      consumer.seekToBeginning(consumer.assignment());
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          ids.add(new String(record.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return ids;
  }
}
