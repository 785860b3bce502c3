package dev.rewardstream.serde;

import java.io.IOException;
import org.apache.avro.io.Encoder;

/** Writes the Avro binary body of one record (the part after the Confluent header). */
@FunctionalInterface
public interface AvroBodyWriter<T> {

  void write(T record, Encoder out) throws IOException;
}
