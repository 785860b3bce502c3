package dev.rewardstream.scorer.drift;

import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.Score;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.serde.RecordRejectedException;
import dev.rewardstream.serde.TopicSpec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes the scores topic for the detectors and keys each score by its scope: {@code policy=<v>}, and also
 * {@code policy=<v>/agent=<a>} when per-agent detection is on. Undecodable records become dead letters with their
 * origin. Rescores are skipped on purpose: they repeat outputs the detectors have already seen, in a burst whenever a
 * model version lands, and would read as a sudden shift.
 */
final class ScoreIntake implements Processor<byte[], byte[], String, Object> {

  static final String STAGE = "scorer/drift-intake";

  private final TopicSpec<Score> scores;
  private final boolean perAgent;
  private ProcessorContext<String, Object> context;

  ScoreIntake(TopicSpec<Score> scores, boolean perAgent) {
    this.scores = scores;
    this.perAgent = perAgent;
  }

  static String policyScope(Score score) {
    return "policy=" + score.getPolicyVersion();
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Score score;
    try {
      score = scores.decode(record.value());
    } catch (RecordRejectedException e) {
      RecordMetadata origin = context.recordMetadata().orElseThrow();
      DeadLetter letter = DeadLetters.of(STAGE, origin.topic(), origin.partition(), origin.offset(), record.key(),
          record.value(), e);
      context.forward(new Record<>(DeadLetters.keyOf(letter), letter, record.timestamp()));
      return;
    }
    if (score.getRescore()) {
      return;
    }
    String scope = policyScope(score);
    context.forward(new Record<>(scope, score, record.timestamp()));
    if (perAgent) {
      context.forward(new Record<>(scope + "/agent=" + score.getAgentId(), score, record.timestamp()));
    }
  }
}
