package dev.rewardstream.drift;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The drift repartition topic's values: an {@link Observation} in a fixed binary layout (format byte, reward,
 * uncertainty, length, holdout accuracy, sketch). The topic is internal to the drift monitor and holds a few dozen
 * bytes per score where the full Avro score took a few hundred.
 */
public final class ObservationSerde implements Serde<Observation> {

  private static final byte FORMAT = 2;

  @Override
  public Serializer<Observation> serializer() {
    return (topic, observation) -> {
      float[] sketch = observation.sketch();
      int dimensions = sketch == null ? 0 : sketch.length;
      ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + 8 + 4 + 8 + 4 + 4 * dimensions)
          .put(FORMAT).putDouble(observation.reward()).putDouble(observation.uncertainty())
          .putInt(observation.responseLength()).putDouble(observation.holdoutAccuracy())
          .putInt(sketch == null ? -1 : dimensions);
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
      double holdoutAccuracy = buffer.getDouble();
      int dimensions = buffer.getInt();
      float[] sketch = dimensions < 0 ? null : new float[dimensions];
      for (int d = 0; d < Math.max(0, dimensions); d++) {
        sketch[d] = buffer.getFloat();
      }
      return new Observation(reward, uncertainty, length, holdoutAccuracy, sketch);
    };
  }
}
