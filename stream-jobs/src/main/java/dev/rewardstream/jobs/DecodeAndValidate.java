package dev.rewardstream.jobs;

import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes Confluent-Avro bytes and validates the record. A record that is not Confluent Avro, names an unknown schema,
 * is oversized or fails validation becomes a dead letter with its origin; registry outages are rethrown so the job
 * restarts from its last checkpoint instead of dead-lettering good records.
 */
public abstract class DecodeAndValidate<T extends SpecificRecord, O> extends ProcessFunction<RawRecord, O> {

  private final SerdeConfig serdeConfig;
  private final String stage;
  private transient TopicSpec<T> topic;

  protected DecodeAndValidate(SerdeConfig serdeConfig, String stage) {
    this.serdeConfig = serdeConfig;
    this.stage = stage;
  }

  @Override
  public void open(OpenContext openContext) {
    topic = topicOf(Topics.connect(serdeConfig));
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<O> out) {
    O accepted;
    try {
      T record = topic.decode(raw.value);
      validate(record);
      accepted = accept(record, raw);
    } catch (RecordRejectedException e) {
      ctx.output(DeadLetterOutput.TAG, raw.deadLetter(stage, e));
      return;
    }
    out.collect(accepted);
  }

  protected abstract TopicSpec<T> topicOf(Topics topics);

  /** @throws RecordRejectedException when the record is invalid */
  protected abstract void validate(T record);

  protected abstract O accept(T record, RawRecord raw);
}
