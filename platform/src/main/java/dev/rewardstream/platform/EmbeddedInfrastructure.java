package dev.rewardstream.platform;

import dev.rewardstream.security.Credentials;
import dev.rewardstream.security.SecurityMaterial;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A KRaft broker and the schema registry on it, with the system's topics created: what every service needs before it
 * starts. Used by {@code rewardctl up} and by the integration tests of every module. Secured
 * ({@link #startSecure}), the broker takes SASL_SSL only and the registry HTTPS with basic auth, and each service
 * connects as its own principal ({@link #kafka(String)}, {@link #serdeConfig(String)}).
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

  /** The principal the registry keeps its schemas' topic with. */
  public static final String REGISTRY_PRINCIPAL = "registry";

  private final EmbeddedKafka kafka;
  private final SchemaRegistryServer registry;
  private final Topics topics;
  private final List<String> topicReport;
  private final Security security;

  private EmbeddedInfrastructure(EmbeddedKafka kafka, SchemaRegistryServer registry, Topics topics,
      List<String> topicReport, Security security) {
    this.kafka = kafka;
    this.registry = registry;
    this.topics = topics;
    this.topicReport = topicReport;
    this.security = security;
  }

  /**
   * What secures the platform.
   *
   * @param tls the CA and host certificate
   * @param credentials every principal's password (the registry's included)
   * @param access every principal's ACLs
   * @param registryWriters the principals that may register schemas; the others only read them
   * @param internalPort the brokers' mutual-TLS listener on 127.0.0.1
   */
  public record Security(SecurityMaterial tls, Credentials credentials, KafkaAccess access, Set<String> registryWriters,
      int internalPort) {}

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
      return new EmbeddedInfrastructure(kafka, registry, topics, report, null);
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /**
   * As {@link #start}, secured: the broker listens on {@code host:kafkaPort} with SASL_SSL, its principals and ACLs are
   * applied as {@code security} says, the registry serves HTTPS with basic auth on {@code host:registryPort}.
   */
  public static EmbeddedInfrastructure startSecure(Path dataDir, String host, int kafkaPort, int controllerPort,
      int registryPort, String topicPrefix, Security security) throws IOException {
    EmbeddedKafka kafka = EmbeddedKafka.startSecure(dataDir, host, kafkaPort, security.internalPort(),
        controllerPort, security.tls());
    try {
      security.access().apply(kafka.internal(), security.credentials(), security.credentials().principals());
      SchemaRegistryServer.createTopic(kafka.internal(), topicPrefix + SchemaRegistryServer.DEFAULT_TOPIC);
      KafkaConnection registryKafka = saslSsl(kafka.bootstrapServers(), security, REGISTRY_PRINCIPAL);
      SchemaRegistryServer registry = SchemaRegistryServer.start(registryKafka,
          topicPrefix + SchemaRegistryServer.DEFAULT_TOPIC, host, registryPort, new SchemaRegistryServer.Access(
              security.tls().serverContext(), security.credentials(), security.registryWriters()));
      Topics topics = Topics.connect(SerdeConfig.of(registry.url()).withTopicPrefix(topicPrefix)
          .withRegistrySettings(registrySettings(security, REGISTRY_PRINCIPAL)));
      List<String> report = TopicAdmin.ensureTopics(kafka.internal(), topics);
      return new EmbeddedInfrastructure(kafka, registry, topics, report, security);
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

  /** How this process's clients reach the broker: plaintext, or as the brokers' super user when secured. */
  public KafkaConnection kafka() {
    return security == null ? KafkaConnection.plaintext(kafka.bootstrapServers()) : kafka.internal();
  }

  /** The broker as {@code principal} sees it: SASL_SSL with its password when secured, else plaintext. */
  public KafkaConnection kafka(String principal) {
    return security == null ? kafka() : saslSsl(kafka.bootstrapServers(), security, principal);
  }

  /** The registry as {@code principal} reaches it: basic auth over HTTPS when secured. */
  public SerdeConfig serdeConfig(String principal) {
    return security == null ? serdeConfig() : serdeConfig().withRegistrySettings(registrySettings(security, principal));
  }

  public boolean secured() {
    return security != null;
  }

  public String registryUrl() {
    return registry.url();
  }

  /** The topics, through a registry client that has every principal's view (the registry's own when secured). */
  public Topics topics() {
    return topics;
  }

  public SerdeConfig serdeConfig() {
    return topics.config();
  }

  public List<String> topicReport() {
    return topicReport;
  }

  /** Writes a client file for every principal into {@code dir} ({@link SecureClients#writeClientFiles}). */
  public Map<String, Path> writeClientFiles(Path dir) {
    if (security == null) {
      throw new IllegalStateException("an unsecured platform needs no client files");
    }
    return SecureClients.writeClientFiles(dir, kafka.bootstrapServers(), registryUrl(), security.tls(),
        security.credentials());
  }

  private static KafkaConnection saslSsl(String bootstrapServers, Security security, String principal) {
    return SecureClients.kafka(bootstrapServers, security.tls(), security.credentials(), principal);
  }

  private static Map<String, String> registrySettings(Security security, String principal) {
    return SecureClients.registrySettings(security.tls(), security.credentials(), principal);
  }

  @Override
  public void close() {
    registry.close();
    kafka.close();
  }
}
