package dev.rewardstream.jobs;

import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The real Kafka sources and transactional sinks of the feature job. */
public final class KafkaConnectors {

  /** Well below the broker's transaction.max.timeout.ms default (15 min), well above any checkpoint. */
  private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  private KafkaConnectors() {}

  public static KafkaSource<RawRecord> source(KafkaConnection kafka, String topic, String groupId) {
    Properties props = kafka.properties();
    // Only what committed transactions wrote: upstream producers may be transactional too.
    props.setProperty("isolation.level", "read_committed");
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(props)
        .build();
  }

  public static KafkaSink<TrainingExample> examplesSink(KafkaConnection kafka, SerdeConfig serde, String txPrefix) {
    return KafkaSink.<TrainingExample>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setRecordSerializer(new AvroRecordSerializer<>(serde, topics -> topics.trainingExamples,
            TrainingExample::getExampleId))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(txPrefix + "-examples")
        .setKafkaProducerConfig(producerProps(kafka))
        .build();
  }

  public static KafkaSink<DeadLetter> deadLetterSink(KafkaConnection kafka, SerdeConfig serde, String txPrefix) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setRecordSerializer(new AvroRecordSerializer<>(serde, topics -> topics.deadLetters, DeadLetters::keyOf))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(txPrefix + "-dead-letters")
        .setKafkaProducerConfig(producerProps(kafka))
        .build();
  }

  public static KafkaSink<NormalizationStats> normalizationStatsSink(KafkaConnection kafka, SerdeConfig serde,
      String txPrefix) {
    return KafkaSink.<NormalizationStats>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setRecordSerializer(new AvroRecordSerializer<>(serde, topics -> topics.normalizationStats,
            NormalizationStats::getEnvironment))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(txPrefix + "-normalization-stats")
        .setKafkaProducerConfig(producerProps(kafka))
        .build();
  }

  private static Properties producerProps(KafkaConnection kafka) {
    Properties props = kafka.properties();
    props.setProperty("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT.toMillis()));
    return props;
  }
}
