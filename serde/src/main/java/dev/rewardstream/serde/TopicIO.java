package dev.rewardstream.serde;

import dev.rewardstream.schema.RecordRejectedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain producers and consumers over the topic registry, for the CLI, simulators and tests. */
public final class TopicIO {

  private TopicIO() {}

  /** A producer of keyed byte records on a plaintext cluster; values come from {@link TopicSpec#encode}. */
  public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    return producer(KafkaConnection.plaintext(bootstrapServers));
  }

  /** A producer of keyed byte records; values come from {@link TopicSpec#encode}. */
  public static KafkaProducer<byte[], byte[]> producer(KafkaConnection kafka) {
    Properties props = kafka.properties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A transactional producer: whoever opens one with the same {@code transactionalId} later fences this one, and a
   * transaction it left open is aborted.
   */
  public static KafkaProducer<byte[], byte[]> transactionalProducer(KafkaConnection kafka, String transactionalId) {
    Properties props = kafka.properties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static <V extends SpecificRecord> void send(
      KafkaProducer<byte[], byte[]> producer, TopicSpec<V> topic, String key, V value) {
    producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8), topic.encode(value)));
  }

  public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String groupId) {
    return consumer(KafkaConnection.plaintext(bootstrapServers), groupId, Map.of());
  }

  public static KafkaConsumer<byte[], byte[]> consumer(KafkaConnection kafka, String groupId) {
    return consumer(kafka, groupId, Map.of());
  }

  /** As {@link #consumer(KafkaConnection, String)}, with {@code overrides} on top of its settings. */
  public static KafkaConsumer<byte[], byte[]> consumer(KafkaConnection kafka, String groupId,
      Map<String, Object> overrides) {
    Properties props = kafka.properties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.putAll(overrides);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Reads a topic from the beginning (committed records only) until {@code done} holds for what was read.
   *
   * @throws IllegalStateException when the timeout passes first, with how many records were read and the last ones
   */
  public static <V extends SpecificRecord> List<V> readUntil(
      String bootstrapServers, TopicSpec<V> topic, Duration timeout, Predicate<List<V>> done) {
    return readUntil(KafkaConnection.plaintext(bootstrapServers), topic, timeout, done);
  }

  /** As {@link #readUntil(String, TopicSpec, Duration, Predicate)}, on any cluster. */
  public static <V extends SpecificRecord> List<V> readUntil(
      KafkaConnection kafka, TopicSpec<V> topic, Duration timeout, Predicate<List<V>> done) {
    List<V> read = readWithin(kafka, topic, timeout, done);
    if (!done.test(read)) {
      List<V> last = read.subList(Math.max(0, read.size() - 3), read.size());
      throw new IllegalStateException(String.format("%s: what was awaited did not arrive within %s; read %d records%s",
          topic.name(), timeout, read.size(), last.isEmpty() ? "" : ", the last: " + last.stream()
              .map(r -> abbreviate(String.valueOf(r))).toList()));
    }
    return read;
  }

  /**
   * As {@link #readUntil}, but returns what was read when the timeout passes first: for measurements, where a
   * shortfall is a figure and not a failure.
   */
  public static <V extends SpecificRecord> List<V> readWithin(
      String bootstrapServers, TopicSpec<V> topic, Duration timeout, Predicate<List<V>> done) {
    return readWithin(KafkaConnection.plaintext(bootstrapServers), topic, timeout, done);
  }

  public static <V extends SpecificRecord> List<V> readWithin(
      KafkaConnection kafka, TopicSpec<V> topic, Duration timeout, Predicate<List<V>> done) {
    return read(kafka, topic, timeout, (consumer, read) -> done.test(read));
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }

  /**
   * Reads a topic from the beginning up to what is committed now (the last stable offset of each partition), or
   * until the timeout if the broker does not deliver that far in time.
   */
  public static <V extends SpecificRecord> List<V> readAll(
      String bootstrapServers, TopicSpec<V> topic, Duration timeout) {
    return readAll(KafkaConnection.plaintext(bootstrapServers), topic, timeout);
  }

  public static <V extends SpecificRecord> List<V> readAll(KafkaConnection kafka, TopicSpec<V> topic,
      Duration timeout) {
    Map<TopicPartition, Long> end = new HashMap<>();
    return read(kafka, topic, timeout, (consumer, read) -> {
      if (end.isEmpty()) {
        end.putAll(consumer.endOffsets(consumer.assignment()));
      }
      return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    });
  }

  /** Every partition of {@code topic}, as the consumer's metadata lists them. */
  public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
  }

  private static <V extends SpecificRecord> List<V> read(KafkaConnection kafka, TopicSpec<V> topic,
      Duration timeout, BiPredicate<KafkaConsumer<byte[], byte[]>, List<V>> done) {
    List<V> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, null)) {
      List<TopicPartition> partitions = partitions(consumer, topic.name());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(consumer, read) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            read.add(topic.decode(record.value()));
          } catch (RecordRejectedException e) {
            throw new IllegalStateException("unreadable record at " + record.topic() + "/" + record.partition() + "@"
                + record.offset() + ": " + e.getMessage(), e);
          }
        }
      }
    }
    return read;
  }

}
