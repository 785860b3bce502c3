package dev.rewardstream.jobs;

import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.serde.DeadLetters;

/**
 * A Kafka record before decoding: its bytes and where it came from. Decoding happens in a process function, not in the
 * source, so a bad record becomes a dead letter instead of failing (and endlessly restarting) the job.
 */
public class RawRecord {
  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public RawRecord() {}

  public RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  public DeadLetter deadLetter(String stage, Throwable error) {
    return DeadLetters.of(stage, topic, partition, offset, key, value, error);
  }

  public DeadLetter deadLetter(String stage, String errorClass, String message) {
    return DeadLetters.of(stage, topic, partition, offset, key, value, errorClass, message);
  }
}
