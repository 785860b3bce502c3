package dev.rewardstream.serde;

import java.io.Serializable;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where a Kafka cluster is and how its clients authenticate: the bootstrap servers plus a standard client properties
 * file's settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}), applied to every producer, consumer,
 * admin client, Kafka Streams application and Flink connector the project opens. Serializable, so it reaches Flink
 * tasks and stays one value from the command line to the last client.
 *
 * @param bootstrapServers comma-separated host:port list
 * @param settings client settings other than {@code bootstrap.servers}; empty for a plaintext cluster
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> settings) implements Serializable {

  public KafkaConnection {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("Kafka bootstrap servers are required");
    }
    settings = Map.copyOf(settings);
    if (settings.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("bootstrap.servers belongs in bootstrapServers, not in the settings");
    }
  }

  /** A cluster that needs no authentication. */
  public static KafkaConnection plaintext(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, Map.of());
  }

  /** The same cluster reached with {@code more} settings on top of these (for example another principal's). */
  public KafkaConnection with(Map<String, String> more) {
    Map<String, String> merged = new TreeMap<>(settings);
    merged.putAll(more);
    return new KafkaConnection(bootstrapServers, merged);
  }

  /** Bootstrap servers and every setting, as a client's constructor takes them; callers add their own on top. */
  public Properties properties() {
    Properties props = new Properties();
    props.putAll(settings);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  /** The security protocol the settings choose, PLAINTEXT when they name none. */
  public String securityProtocol() {
    return settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
  }

  /** Names the settings and hides every value that could be a secret: this is what logs and banners may show. */
  @Override
  public String toString() {
    return "KafkaConnection[" + bootstrapServers + ", " + securityProtocol() + ", " + Secrets.redacted(settings) + "]";
  }
}
