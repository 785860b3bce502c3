package dev.rewardstream.serde;

import java.io.Serializable;

/**
 * Everything needed to rebuild {@link Topics} in another process or Flink task.
 *
 * @param registryUrl Confluent-compatible schema registry base URL
 * @param topicPrefix prepended to every topic name, so several systems (or tests) can share a broker
 * @param maxRecordBytes larger values are rejected as oversized before decoding
 */
public record SerdeConfig(String registryUrl, String topicPrefix, int maxRecordBytes) implements Serializable {

  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

  public static SerdeConfig of(String registryUrl) {
    return new SerdeConfig(registryUrl, "", DEFAULT_MAX_RECORD_BYTES);
  }

  public SerdeConfig withTopicPrefix(String prefix) {
    return new SerdeConfig(registryUrl, prefix, maxRecordBytes);
  }
}
