package dev.rewardstream.jobs;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Passes records through as bytes with their origin; it cannot fail. */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
    out.collect(new RawRecord(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(),
        record.value()));
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }
}
