package dev.rewardstream.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewardstream.serde.KafkaConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The registry's state, durable in a compacted one-partition topic as Confluent's is: every registration and
 * compatibility setting is written there before it is applied, and the state is rebuilt from it at start, so ids
 * survive a restart and stay the ids already written into records. One writer per topic.
 */
final class SchemaLog implements AutoCloseable {

  /** One version of a subject. */
  record Version(String subject, int version, int id, String schema) {}

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final TreeMap<Integer, String> schemaById = new TreeMap<>();
  private final Map<String, TreeMap<Integer, Integer>> idByVersionBySubject = new TreeMap<>();
  private final Map<String, String> compatibilityBySubject = new TreeMap<>();
  private String globalCompatibility = AvroCompatibility.DEFAULT_LEVEL;

  private SchemaLog(KafkaProducer<String, String> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** The schemas' topic: one partition, compacted (the latest state of each key is the registry's state). */
  static NewTopic newTopic(String topic) {
    return new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of("cleanup.policy", "compact"));
  }

  /** Creates the topic if needed and reads it to its end. */
  static SchemaLog open(KafkaConnection kafka, String topic) {
    TopicAdmin.ensure(kafka, List.of(newTopic(topic)));
    Properties producerProps = kafka.properties();
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    SchemaLog log = new SchemaLog(new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer()),
        topic);
    log.restore(kafka);
    return log;
  }

  synchronized int schemaCount() {
    return schemaById.size();
  }

  synchronized List<String> subjects() {
    return new ArrayList<>(idByVersionBySubject.keySet());
  }

  synchronized List<Integer> versions(String subject) {
    return new ArrayList<>(subjectVersions(subject).keySet());
  }

  /** {@code versionText}: a number or "latest". */
  synchronized Version version(String subject, String versionText) {
    TreeMap<Integer, Integer> versions = subjectVersions(subject);
    int version = versionText.equals("latest") ? versions.lastKey() : parseVersion(versionText);
    Integer id = versions.get(version);
    if (id == null) {
      throw new RegistryError(40402, "Version " + versionText + " not found.");
    }
    return describe(subject, version, id);
  }

  synchronized String schema(int id) {
    String schema = schemaById.get(id);
    if (schema == null) {
      throw new RegistryError(40403, "Schema " + id + " not found");
    }
    return schema;
  }

  /** Every subject version registered with schema {@code id}. */
  synchronized List<Version> versionsOfId(int id) {
    List<Version> result = new ArrayList<>();
    idByVersionBySubject.forEach((subject, versions) -> versions.forEach((version, vid) -> {
      if (vid == id) {
        result.add(describe(subject, version, id));
      }
    }));
    if (result.isEmpty()) {
      throw new RegistryError(40403, "Schema " + id + " not found");
    }
    return result;
  }

  /** The version of {@code subject} registered with this schema. */
  synchronized Version lookup(String subject, Schema schema) {
    for (Map.Entry<Integer, Integer> entry : subjectVersions(subject).entrySet()) {
      if (AvroCompatibility.parse(schemaById.get(entry.getValue())).equals(schema)) {
        return describe(subject, entry.getKey(), entry.getValue());
      }
    }
    throw new RegistryError(40403, "Schema not found");
  }

  /**
   * Registers {@code schema} under {@code subject} as its next version, after the subject's compatibility check; a
   * schema already registered there, or elsewhere, keeps its id.
   *
   * @return the schema's id
   */
  synchronized int register(String subject, Schema schema) {
    TreeMap<Integer, Integer> versions = idByVersionBySubject.getOrDefault(subject, new TreeMap<>());
    for (int id : versions.values()) {
      if (AvroCompatibility.parse(schemaById.get(id)).equals(schema)) {
        return id;
      }
    }
    if (!versions.isEmpty()) {
      List<String> problems = compatibilityProblems(subject, "latest", schema);
      if (!problems.isEmpty()) {
        throw new RegistryError(409, "Schema being registered is incompatible with an earlier schema for subject \""
            + subject + "\": " + String.join("; ", problems));
      }
    }
    int id = existingId(schema);
    if (id < 0) {
      id = schemaById.isEmpty() ? 1 : schemaById.lastKey() + 1;
    }
    int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
    append("schema/" + subject + "/" + version, JSON.createObjectNode().put("subject", subject)
        .put("version", version).put("id", id).put("schema", schema.toString()));
    return id;
  }

  /** Why {@code candidate} is not compatible with {@code subject} at {@code againstVersion} (a number or "latest"). */
  synchronized List<String> compatibilityProblems(String subject, String againstVersion, Schema candidate) {
    TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      return List.of();
    }
    Integer askedId = versions.get(againstVersion.equals("latest") ? versions.lastKey()
        : parseVersion(againstVersion));
    if (askedId == null) {
      throw new RegistryError(40402, "Version " + againstVersion + " not found.");
    }
    return AvroCompatibility.problems(compatibility(subject), new ArrayList<>(versions.values()), askedId,
        id -> AvroCompatibility.parse(schemaById.get(id)), candidate);
  }

  /** The subject's level, or the global one when {@code subject} is null or has none of its own. */
  synchronized String compatibility(String subject) {
    return subject == null ? globalCompatibility : compatibilityBySubject.getOrDefault(subject, globalCompatibility);
  }

  /** Sets the level of {@code subject}, or the global one when it is null. */
  synchronized void setCompatibility(String subject, String level) {
    if (!AvroCompatibility.LEVELS.contains(level)) {
      throw new RegistryError(42203, "unsupported compatibility level '" + level
          + "' (this registry supports NONE, BACKWARD, BACKWARD_TRANSITIVE)");
    }
    append(subject == null ? "config" : "config/" + subject, JSON.createObjectNode().put("compatibilityLevel", level));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private void restore(KafkaConnection kafka) {
    Properties props = kafka.properties();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          apply(record.key(), record.value());
        }
      }
    }
  }

  /** Applies one log entry: "schema/<subject>/<version>" → registration, "config[/<subject>]" → compatibility. */
  private void apply(String key, String value) {
    if (value == null) {
      return;
    }
    try {
      JsonNode node = JSON.readTree(value);
      if (key.startsWith("schema/")) {
        int id = node.get("id").asInt();
        schemaById.put(id, node.get("schema").asText());
        idByVersionBySubject.computeIfAbsent(node.get("subject").asText(), s -> new TreeMap<>())
            .put(node.get("version").asInt(), id);
      } else if (key.equals("config")) {
        globalCompatibility = node.get("compatibilityLevel").asText();
      } else if (key.startsWith("config/")) {
        compatibilityBySubject.put(key.substring("config/".length()), node.get("compatibilityLevel").asText());
      }
    } catch (IOException e) {
      throw new IllegalStateException("corrupt schema log entry " + key, e);
    }
  }

  /** Written to the topic first, applied after: what a restart rebuilds is what was served. */
  private void append(String key, ObjectNode value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value.toString()))
          .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the schema log", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write the schema log: " + e.getMessage(), e);
    }
    apply(key, value.toString());
  }

  private int existingId(Schema schema) {
    for (Map.Entry<Integer, String> entry : schemaById.entrySet()) {
      if (AvroCompatibility.parse(entry.getValue()).equals(schema)) {
        return entry.getKey();
      }
    }
    return -1;
  }

  private TreeMap<Integer, Integer> subjectVersions(String subject) {
    TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new RegistryError(40401, "Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private Version describe(String subject, int version, int id) {
    return new Version(subject, version, id, schemaById.get(id));
  }

  private static int parseVersion(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new RegistryError(40402, "not a number: " + text);
    }
  }
}
