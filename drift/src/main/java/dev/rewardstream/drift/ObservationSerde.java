package dev.rewardstream.drift;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The drift repartition topic's values: an {@link Observation} in a fixed binary layout (format byte, reward,
 * uncertainty, length, holdout accuracy, sketch, label agreement, the scoring version's labels learned). Format 2, written before label agreement existed,
 * is still read (as unknown agreement), so records in flight across an upgrade are not refused. The topic is internal to the drift monitor and holds a few dozen
 * bytes per score where the full Avro score took a few hundred.
 */
public final class ObservationSerde implements Serde<Observation> {

  private static final byte FORMAT = 3;
  private static final byte FORMAT_WITHOUT_LABELS = 2;

  @Override
  public Serializer<Observation> serializer() {
    return (topic, observation) -> {
      float[] sketch = observation.sketch();
      int dimensions = sketch == null ? 0 : sketch.length;
      LabelAgreement labels = observation.labels();
      ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + 8 + 4 + 8 + 4 + 4 * dimensions + 4 + 8 + 4 + 8 + 8)
          .put(FORMAT).putDouble(observation.reward()).putDouble(observation.uncertainty())
          .putInt(observation.responseLength()).putDouble(observation.holdoutAccuracy())
          .putInt(sketch == null ? -1 : dimensions);
      for (int d = 0; d < dimensions; d++) {
        buffer.putFloat(sketch[d]);
      }
      buffer.putInt(labels.pairs()).putDouble(labels.accuracy()).putInt(labels.crossPairs())
          .putDouble(labels.overrating()).putLong(observation.modelExamples());
      return buffer.array();
    };
  }

  @Override
  public Deserializer<Observation> deserializer() {
    return (topic, bytes) -> {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      byte format = buffer.get();
      if (format != FORMAT && format != FORMAT_WITHOUT_LABELS) {
        throw new SerializationException("drift observation of unknown format " + format + " on " + topic);
      }
      double reward = buffer.getDouble();
      double uncertainty = buffer.getDouble();
      int length = buffer.getInt();
      double holdoutAccuracy = buffer.getDouble();
      int dimensions = buffer.getInt();
      float[] sketch = dimensions < 0 ? null : new float[dimensions];
      for (int d = 0; d < Math.max(0, dimensions); d++) {
        sketch[d] = buffer.getFloat();
      }
      LabelAgreement labels = format == FORMAT_WITHOUT_LABELS ? LabelAgreement.UNKNOWN
          : new LabelAgreement(buffer.getInt(), buffer.getDouble(), buffer.getInt(), buffer.getDouble());
      long modelExamples = format == FORMAT_WITHOUT_LABELS ? -1 : buffer.getLong();
      return new Observation(reward, uncertainty, length, holdoutAccuracy, sketch, labels, modelExamples);
    };
  }
}
