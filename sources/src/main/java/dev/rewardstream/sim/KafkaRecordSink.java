package dev.rewardstream.sim;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends to the topics, keyed like every producer of the system (interaction id, preference id). Send failures are
 * collected from the callbacks and raised by {@link #flush()}: a replay that lost records must not report success.
 */
public final class KafkaRecordSink implements RecordSink {

  private final Topics topics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private final Callback callback = (metadata, e) -> {
    if (e != null) {
      failed.incrementAndGet();
      firstFailure.compareAndSet(null, e);
    }
  };

  public KafkaRecordSink(KafkaConnection kafka, Topics topics) {
    this.topics = topics;
    this.producer = TopicIO.producer(kafka);
  }

  @Override
  public void interaction(Interaction interaction) {
    send(topics.interactions, interaction.getInteractionId(), interaction);
  }

  @Override
  public void preference(Preference preference) {
    send(topics.preferences, preference.getPreferenceId(), preference);
  }

  @Override
  public void raw(String topic, byte[] key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value), callback);
  }

  private <V extends SpecificRecord> void send(TopicSpec<V> topic, String key, V value) {
    producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8), topic.encode(value)),
        callback);
  }

  @Override
  public void flush() {
    producer.flush();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " records could not be sent", firstFailure.get());
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
