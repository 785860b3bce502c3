package dev.rewardstream.jobs;

import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes records to their topic in the Confluent wire format, keyed by a string id. */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

  private final SerdeConfig serdeConfig;
  private final SerializableFunction<Topics, TopicSpec<T>> topicOf;
  private final SerializableFunction<T, String> keyOf;
  private transient TopicSpec<T> topic;

  public AvroRecordSerializer(
      SerdeConfig serdeConfig, SerializableFunction<Topics, TopicSpec<T>> topicOf, SerializableFunction<T, String> keyOf) {
    this.serdeConfig = serdeConfig;
    this.topicOf = topicOf;
    this.keyOf = keyOf;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    topic = topicOf.apply(Topics.connect(serdeConfig));
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic.name(), null, timestamp, keyOf.apply(element).getBytes(StandardCharsets.UTF_8),
        topic.encode(element));
  }
}
