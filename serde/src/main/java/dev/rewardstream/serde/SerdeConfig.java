package dev.rewardstream.serde;

import java.io.Serializable;
import java.util.Map;

/**
 * Everything needed to rebuild {@link Topics} in another process or Flink task.
 *
 * @param registryUrl Confluent-compatible schema registry base URL
 * @param topicPrefix prepended to every topic name, so several systems (or tests) can share a broker
 * @param maxRecordBytes larger values are rejected as oversized before decoding
 * @param registrySettings the Confluent registry client's own settings ({@code basic.auth.credentials.source},
 *     {@code basic.auth.user.info}, {@code bearer.auth.*}, {@code schema.registry.ssl.*}); empty for an open registry
 */
public record SerdeConfig(String registryUrl, String topicPrefix, int maxRecordBytes,
    Map<String, String> registrySettings) implements Serializable {

  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

  public SerdeConfig {
    registrySettings = Map.copyOf(registrySettings);
  }

  public static SerdeConfig of(String registryUrl) {
    return new SerdeConfig(registryUrl, "", DEFAULT_MAX_RECORD_BYTES, Map.of());
  }

  public SerdeConfig withTopicPrefix(String prefix) {
    return new SerdeConfig(registryUrl, prefix, maxRecordBytes, registrySettings);
  }

  public SerdeConfig withRegistrySettings(Map<String, String> settings) {
    return new SerdeConfig(registryUrl, topicPrefix, maxRecordBytes, settings);
  }

  /** Hides the registry's credentials: this is what logs may show. */
  @Override
  public String toString() {
    return "SerdeConfig[" + registryUrl + ", prefix '" + topicPrefix + "', max " + maxRecordBytes + " bytes, "
        + Secrets.redacted(registrySettings) + "]";
  }
}
