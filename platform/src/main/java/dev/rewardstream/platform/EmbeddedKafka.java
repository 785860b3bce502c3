package dev.rewardstream.platform;

import dev.rewardstream.security.SecretFiles;
import dev.rewardstream.security.SecurityMaterial;
import dev.rewardstream.serde.KafkaConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (combined broker + controller) running in this JVM: the whole cluster of one node,
 * or one node of a quorum whose other nodes run in other processes ({@code rewardctl cluster}). Its log directory
 * is formatted once and reused, so a second start on the same directory finds its topics and offsets intact.
 * Listeners bind to 127.0.0.1 only.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final KafkaConnection internal;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, KafkaConnection internal) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.internal = internal;
  }

  /**
   * Formats {@code dataDir} if it is new, then starts the broker.
   *
   * @param port client listener port on 127.0.0.1
   * @param controllerPort KRaft controller listener port on 127.0.0.1
   */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) throws IOException {
    Node node = new Node(1, port, controllerPort);
    return startNode(dataDir, node, List.of(node), Uuid.randomUuid().toString());
  }

  /**
   * A single secured node. Clients connect to {@code host:port} with SASL_SSL (SCRAM-SHA-512) and are authorized by
   * ACLs (StandardAuthorizer, nothing allowed without one). The controller listener and an inter-broker listener on
   * 127.0.0.1 take TLS with client certificates only: the host certificate's subject is the one super user, which is
   * how {@link #internal()} creates the principals and their ACLs. No listener accepts plaintext.
   */
  public static EmbeddedKafka startSecure(Path dataDir, String host, int port, int internalPort, int controllerPort,
      SecurityMaterial tls) throws IOException {
    Node node = new Node(1, port, controllerPort);
    return startSecureNode(dataDir, host, node, internalPort, List.of(node), Uuid.randomUuid().toString(), tls);
  }

  /**
   * As {@link #startSecure}, as one node of {@code quorum} ({@code rewardctl cluster up --secure}): the brokers
   * replicate over their mutual-TLS listeners ({@code internalPort}) and the controllers vote over mutual TLS.
   */
  public static EmbeddedKafka startSecureNode(Path dataDir, String host, Node self, int internalPort,
      List<Node> quorum, String clusterId, SecurityMaterial tls) throws IOException {
    Properties props = brokerProperties(dataDir.resolve("kafka-logs"), self, quorum);
    props.putAll(secureListeners(host, self.port(), internalPort, self.controllerPort(), tls));
    KafkaConnection internal = new KafkaConnection("127.0.0.1:" + internalPort, mutualTls(tls));
    return startNode(dataDir, props, clusterId, host + ":" + self.port(), internal);
  }

  /** The settings of a client that authenticates with the host certificate: the brokers' own, a super user. */
  public static java.util.Map<String, String> mutualTls(SecurityMaterial tls) {
    return java.util.Map.of("security.protocol", "SSL",
        "ssl.keystore.type", "PKCS12", "ssl.keystore.location", tls.keystore().toString(),
        "ssl.keystore.password", tls.storePassword(), "ssl.key.password", tls.storePassword(),
        "ssl.truststore.type", "PKCS12", "ssl.truststore.location", tls.truststore().toString(),
        "ssl.truststore.password", tls.storePassword());
  }

  static Properties secureListeners(String host, int port, int internalPort, int controllerPort,
      SecurityMaterial tls) {
    Properties p = new Properties();
    p.put("listeners", "EXTERNAL://" + host + ":" + port + ",INTERNAL://127.0.0.1:" + internalPort
        + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "EXTERNAL://" + host + ":" + port + ",INTERNAL://127.0.0.1:" + internalPort);
    p.put("listener.security.protocol.map", "EXTERNAL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL");
    p.put("inter.broker.listener.name", "INTERNAL");
    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    p.put("listener.name.external.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    mutualTls(tls).forEach((key, value) -> {
      if (key.startsWith("ssl.")) {
        p.put(key, value);
      }
    });
    p.put("listener.name.internal.ssl.client.auth", "required");
    p.put("listener.name.controller.ssl.client.auth", "required");
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:CN=" + SecurityMaterial.BROKER_CN);
    p.put("allow.everyone.if.no.acl.found", "false");
    return p;
  }

  /** One node of a KRaft quorum on this host, broker and controller at once, its listeners on 127.0.0.1. */
  public record Node(int id, int port, int controllerPort) {
    String voter() {
      return id + "@127.0.0.1:" + controllerPort;
    }
  }

  /**
   * Formats {@code dataDir} for {@code clusterId} if it is new, then starts {@code self} as one node of
   * {@code quorum}. With three nodes or more, topics default to three replicas with two in sync.
   */
  public static EmbeddedKafka startNode(Path dataDir, Node self, List<Node> quorum, String clusterId)
      throws IOException {
    String bootstrap = "127.0.0.1:" + self.port();
    return startNode(dataDir, brokerProperties(dataDir.resolve("kafka-logs"), self, quorum), clusterId, bootstrap,
        KafkaConnection.plaintext(bootstrap));
  }

  private static EmbeddedKafka startNode(Path dataDir, Properties props, String clusterId, String bootstrap,
      KafkaConnection internal) throws IOException {
    Path logDir = dataDir.resolve("kafka-logs");
    Files.createDirectories(logDir);
    Path configFile = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "generated by rewardstream; rewritten at every start");
    }
    // A secured broker's file names its stores' password.
    SecretFiles.restrictFile(configFile);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(configFile, clusterId);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
    server.startup();
    LOG.info("Kafka (KRaft) listening on {} ({}), data in {}", bootstrap,
        props.getProperty("listener.security.protocol.map"), logDir);
    return new EmbeddedKafka(server, bootstrap, internal);
  }

  static Properties brokerProperties(Path logDir, Node self, List<Node> quorum) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(self.id()));
    p.put("controller.quorum.voters", String.join(",", quorum.stream().map(Node::voter).toList()));
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + self.port() + ",CONTROLLER://127.0.0.1:" + self.controllerPort());
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + self.port());
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    // One node: every topic has one replica. Three or more: three, two of which must be in sync for a write, so
    // one broker can die without losing an acknowledged record or stopping writes. Few partitions keep startup and
    // the first consumer-group/transaction coordinator lookups fast on two cores.
    String replicas = quorum.size() >= 3 ? "3" : "1";
    String inSync = quorum.size() >= 3 ? "2" : "1";
    p.put("default.replication.factor", replicas);
    p.put("min.insync.replicas", inSync);
    p.put("offsets.topic.replication.factor", replicas);
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", replicas);
    p.put("transaction.state.log.min.isr", inSync);
    p.put("transaction.state.log.num.partitions", "5");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("log.cleaner.backoff.ms", "5000");
    return p;
  }

  private static void format(Path configFile, String clusterId) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit = StorageTool.execute(new String[] {
        "format", "-t", clusterId, "-c", configFile.toString()},
        new PrintStream(captured, true, StandardCharsets.UTF_8));
    if (exit != 0) {
      throw new IllegalStateException("formatting the KRaft log directory failed: " + captured);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** A connection as the brokers' own super user: plaintext on an unsecured broker, mutual TLS on a secured one. */
  public KafkaConnection internal() {
    return internal;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
