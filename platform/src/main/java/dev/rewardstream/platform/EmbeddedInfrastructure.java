package dev.rewardstream.platform;

import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A KRaft broker and the schema registry on it, with the system's topics created: what every service needs before it
 * starts. Used by {@code rewardctl up} and by the integration tests of every module.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final SchemaRegistryServer registry;
  private final Topics topics;
  private final List<String> topicReport;

  private EmbeddedInfrastructure(EmbeddedKafka kafka, SchemaRegistryServer registry, Topics topics,
      List<String> topicReport) {
    this.kafka = kafka;
    this.registry = registry;
    this.topics = topics;
    this.topicReport = topicReport;
  }

  /**
   * @param kafkaPort client port on 127.0.0.1
   * @param controllerPort KRaft controller port on 127.0.0.1
   * @param registryHost bind address of the registry (127.0.0.1 unless deliberately exposed)
   * @param registryPort registry port; 0 picks a free one
   */
  public static EmbeddedInfrastructure start(Path dataDir, int kafkaPort, int controllerPort, String registryHost,
      int registryPort, String topicPrefix) throws IOException {
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, kafkaPort, controllerPort);
    try {
      SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(),
          topicPrefix + SchemaRegistryServer.DEFAULT_TOPIC, registryHost, registryPort);
      Topics topics = Topics.connect(SerdeConfig.of(registry.url()).withTopicPrefix(topicPrefix));
      List<String> report = TopicAdmin.ensureTopics(kafka.bootstrapServers(), topics);
      return new EmbeddedInfrastructure(kafka, registry, topics, report);
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /** On free ports, for tests. */
  public static EmbeddedInfrastructure startOnFreePorts(Path dataDir) throws IOException {
    return start(dataDir, FreePorts.next(), FreePorts.next(), "127.0.0.1", 0, "");
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** How this process's clients reach the broker. */
  public KafkaConnection kafka() {
    return KafkaConnection.plaintext(kafka.bootstrapServers());
  }

  public String registryUrl() {
    return registry.url();
  }

  public Topics topics() {
    return topics;
  }

  public SerdeConfig serdeConfig() {
    return topics.config();
  }

  public List<String> topicReport() {
    return topicReport;
  }

  @Override
  public void close() {
    registry.close();
    kafka.close();
  }
}
