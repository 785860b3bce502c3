package dev.rewardstream.scorer;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One scorer task's part of a version's rescore summary: how the new version moved the outputs retained for that
 * task's partition. {@link RescoreSummaries} joins the parts of every task into one report per version.
 *
 * @param partition the task's input partition
 * @param partitions how many partitions the input topic has (how many parts to wait for), -1 when unknown
 * @param outputs outputs rescored
 * @param shiftSum Σ (new − previous raw reward) over those outputs
 * @param before the previous version's rewards of a sample of the outputs (all of them up to {@link #SAMPLE})
 * @param after the new version's rewards of the same sample
 */
record RescorePartial(String modelName, long version, long previousVersion, int partition, int partitions,
    int outputs, double shiftSum, float[] before, float[] after) {

  /**
   * Outputs per task that go into the rank correlation: enough for a rank correlation within ±0.02, and a part stays
   * far below Kafka's 1 MB record limit however large the retained window is configured.
   */
  static final int SAMPLE = 4_096;

  /** The internal topic's values: a format byte, then the fields in order. */
  static final class WireSerde implements Serde<RescorePartial> {

    private static final byte FORMAT = 1;

    @Override
    public Serializer<RescorePartial> serializer() {
      return (topic, part) -> {
        byte[] name = part.modelName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + name.length + 8 + 8 + 4 + 4 + 4 + 8 + 4
            + 8 * part.before().length)
            .put(FORMAT).putInt(name.length).put(name).putLong(part.version()).putLong(part.previousVersion())
            .putInt(part.partition()).putInt(part.partitions()).putInt(part.outputs()).putDouble(part.shiftSum())
            .putInt(part.before().length);
        for (int i = 0; i < part.before().length; i++) {
          buffer.putFloat(part.before()[i]).putFloat(part.after()[i]);
        }
        return buffer.array();
      };
    }

    @Override
    public Deserializer<RescorePartial> deserializer() {
      return (topic, bytes) -> {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte format = buffer.get();
        if (format != FORMAT) {
          throw new SerializationException("rescore summary part of unknown format " + format + " on " + topic);
        }
        byte[] name = new byte[buffer.getInt()];
        buffer.get(name);
        long version = buffer.getLong();
        long previousVersion = buffer.getLong();
        int partition = buffer.getInt();
        int partitions = buffer.getInt();
        int outputs = buffer.getInt();
        double shiftSum = buffer.getDouble();
        int sampled = buffer.getInt();
        float[] before = new float[sampled];
        float[] after = new float[sampled];
        for (int i = 0; i < sampled; i++) {
          before[i] = buffer.getFloat();
          after[i] = buffer.getFloat();
        }
        return new RescorePartial(new String(name, java.nio.charset.StandardCharsets.UTF_8), version,
            previousVersion, partition, partitions, outputs, shiftSum, before, after);
      };
    }
  }
}
