package dev.rewardstream.serde;

import dev.rewardstream.schema.Score;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.Encoder;

/**
 * {@link Score}'s Avro binary encoding written field by field: one score per scored interaction makes this the
 * scorer's most frequent encoding, and Avro's generic writer spent a tenth of the scorer's processing time on it
 * (boxing every number, resolving every union by type name, converting the timestamps through a lookup). Avro's
 * compiler generates such an encoder itself only for schemas without logical types, and Score has two timestamps.
 *
 * <p>The bytes are exactly the generic writer's for the current Score schema; {@code ScoreBodyWriterTest} compares the
 * two on random scores, so a field added to Score.avsc fails that test until it is written here too.
 */
public final class ScoreBodyWriter implements AvroBodyWriter<Score> {

  @Override
  public void write(Score score, Encoder out) throws IOException {
    out.writeString(score.getInteractionId());
    out.writeString(score.getAgentId());
    out.writeString(score.getPolicyVersion());
    out.writeString(score.getModelName());
    out.writeLong(score.getModelVersion());
    out.writeDouble(score.getRawReward());
    out.writeDouble(score.getNormalizedReward());
    out.writeDouble(score.getUncertainty());
    writeOptional(out, score.getPessimisticReward());
    writeOptional(out, score.getOptimisticReward());
    if (score.getEpisodeId() == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeString(score.getEpisodeId());
    }
    writeOptional(out, score.getDiscountedReturn());
    out.writeBoolean(score.getRescore());
    out.writeInt(score.getResponseLength());
    List<Float> sketch = score.getInputSketch();
    if (sketch == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeArrayStart();
      out.setItemCount(sketch.size());
      for (Float value : sketch) {
        out.startItem();
        out.writeFloat(value);
      }
      out.writeArrayEnd();
    }
    Map<String, Double> attributes = score.getAttributeRewards();
    out.writeMapStart();
    out.setItemCount(attributes.size());
    for (Map.Entry<String, Double> attribute : attributes.entrySet()) {
      out.startItem();
      out.writeString(attribute.getKey());
      out.writeDouble(attribute.getValue());
    }
    out.writeMapEnd();
    List<Double> prefixRewards = score.getPrefixRewards();
    out.writeArrayStart();
    out.setItemCount(prefixRewards.size());
    for (Double reward : prefixRewards) {
      out.startItem();
      out.writeDouble(reward);
    }
    out.writeArrayEnd();
    if (score.getFirstBadStep() == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeInt(score.getFirstBadStep());
    }
    out.writeLong(score.getEventTime().toEpochMilli());
    out.writeLong(score.getScoredAt().toEpochMilli());
  }

  /** A {@code ["null", "double"]} union. */
  private static void writeOptional(Encoder out, Double value) throws IOException {
    if (value == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeDouble(value);
    }
  }
}
