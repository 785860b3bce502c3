package dev.rewardstream.drift;

import dev.rewardstream.model.Scopes;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.Score;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.TopicSpec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes the scores topic for the detectors into {@link Observation}s, keyed by scope: {@code policy=<v>}, and also
 * {@code policy=<v>/agent=<a>} when per-agent detection is on. Undecodable records become dead letters with their
 * origin. Rescores are skipped on purpose: they repeat outputs the detectors have already seen, in a burst whenever a
 * model version lands, and would read as a sudden shift.
 */
final class ScoreIntake implements Processor<byte[], byte[], String, Object> {

  static final String STAGE = "scorer/drift-intake";

  private final TopicSpec<Score> scores;
  private final boolean perAgent;
  private final HoldoutAccuracies accuracies;
  private ProcessorContext<String, Object> context;

  ScoreIntake(TopicSpec<Score> scores, boolean perAgent, HoldoutAccuracies accuracies) {
    this.scores = scores;
    this.perAgent = perAgent;
    this.accuracies = accuracies;
  }

  /** The observation of a score, paired with the holdout accuracy of the model version that scored it. */
  static Observation observationOf(Score score, double holdoutAccuracy) {
    java.util.List<Float> sketch = score.getInputSketch();
    float[] values = null;
    if (sketch != null) {
      values = new float[sketch.size()];
      for (int d = 0; d < values.length; d++) {
        values[d] = sketch.get(d);
      }
    }
    return new Observation(score.getNormalizedReward(), score.getUncertainty(), score.getResponseLength(),
        holdoutAccuracy, values);
  }

  static String policyScope(Score score) {
    return Scopes.policy(score.getPolicyVersion());
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
    Observation observation = observationOf(score,
        accuracies.of(score.getModelName(), score.getModelVersion()));
    forward(scope, observation, score, record.timestamp());
    if (perAgent) {
      forward(Scopes.agent(score.getPolicyVersion(), score.getAgentId()), observation, score, record.timestamp());
    }
  }

  private void forward(String scope, Observation observation, Score score, long timestamp) {
    LabelAgreement labels = accuracies.labels(score.getModelName(), score.getModelVersion(), scope);
    context.forward(new Record<>(scope, labels == LabelAgreement.UNKNOWN ? observation
        : observation.withLabels(labels), timestamp));
  }
}
