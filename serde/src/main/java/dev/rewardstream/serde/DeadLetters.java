package dev.rewardstream.serde;

import dev.rewardstream.schema.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds dead letters: the raw record, where it came from and why it was refused. */
public final class DeadLetters {

  private DeadLetters() {}

  public static DeadLetter of(
      String stage, String topic, int partition, long offset, byte[] key, byte[] value, Throwable error) {
    return of(stage, topic, partition, offset, key, value, error.getClass().getName(), String.valueOf(error.getMessage()));
  }

  public static DeadLetter of(
      String stage, String topic, int partition, long offset, byte[] key, byte[] value, String errorClass,
      String message) {
    return DeadLetter.newBuilder()
        .setStage(stage)
        .setSourceTopic(topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setRawKey(key == null ? null : ByteBuffer.wrap(key))
        .setRawValue(value == null ? null : ByteBuffer.wrap(value))
        .setErrorClass(errorClass)
        .setErrorMessage(message)
        .setFailedAt(Instant.now())
        .build();
  }

  /** The dead-letter key: the origin, so a re-delivered failure overwrites rather than duplicates in a compacted view. */
  /** The counter of dead letters a service writes at {@code stage}: one metric, tagged by stage, in every process. */
  public static Counter counter(MeterRegistry meters, String stage) {
    return Counter.builder("rewardstream.dead.letters").description("Records dead-lettered, by stage")
        .tag("stage", stage).register(meters);
  }

  public static String keyOf(DeadLetter letter) {
    return letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset();
  }
}
