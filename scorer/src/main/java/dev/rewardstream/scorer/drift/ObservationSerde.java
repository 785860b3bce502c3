package dev.rewardstream.scorer.drift;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The drift repartition topic's values: an {@link Observation} in a fixed binary layout (format byte, reward,
 * uncertainty, length, sketch). The topic is internal to the scorer and holds a few dozen bytes per score where the
 * full Avro score took a few hundred; the holdout accuracy is not carried, the detecting task reads the live model's.
 */
public final class ObservationSerde implements Serde<Observation> {

  private static final byte FORMAT = 1;

  @Override
  public Serializer<Observation> serializer() {
    return (topic, observation) -> {
      float[] sketch = observation.sketch();
      int dimensions = sketch == null ? 0 : sketch.length;
      ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + 8 + 4 + 4 + 4 * dimensions)
          .put(FORMAT).putDouble(observation.reward()).putDouble(observation.uncertainty())
          .putInt(observation.responseLength()).putInt(sketch == null ? -1 : dimensions);
      for (int d = 0; d < dimensions; d++) {
        buffer.putFloat(sketch[d]);
      }
      return buffer.array();
    };
  }

  @Override
  public Deserializer<Observation> deserializer() {
    return (topic, bytes) -> {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      byte format = buffer.get();
      if (format != FORMAT) {
        throw new SerializationException("drift observation of unknown format " + format + " on " + topic);
      }
      double reward = buffer.getDouble();
      double uncertainty = buffer.getDouble();
      int length = buffer.getInt();
      int dimensions = buffer.getInt();
      float[] sketch = dimensions < 0 ? null : new float[dimensions];
      for (int d = 0; d < Math.max(0, dimensions); d++) {
        sketch[d] = buffer.getFloat();
      }
      return new Observation(reward, uncertainty, length, Double.NaN, sketch);
    };
  }
}
