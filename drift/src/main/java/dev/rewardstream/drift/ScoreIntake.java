package dev.rewardstream.drift;

import dev.rewardstream.model.Scopes;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.Score;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.TopicSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes the scores topic for the detectors into {@link Observation}s, keyed by scope: {@code policy=<v>}, and also
 * {@code policy=<v>/agent=<a>} when per-agent detection is on. Undecodable records become dead letters with their
 * origin. A multi-attribute model's score is also observed once per attribute head, under
 * {@code policy=<v>/attribute=<name>}, on that version's scale of the head. Rescores are skipped on purpose: they repeat outputs the detectors have already seen, in a burst whenever a
 * model version lands, and would read as a sudden shift. Of a trajectory only the first step reaches the detectors:
 * the steps of one episode share its states and are far from independent, and the window tests (KS, PSI, the input
 * sketch) counted 500 steps of a dozen episodes as 500 independent values and raised on a stationary policy every
 * few seconds (bench {@code alerts}); one step per episode is one independent draw of the policy's behaviour.
 * Each observation carries how many labels the version that scored it had learned from ({@link DriftProcessor} keeps
 * the score detectors to comparable models with it).
 */
final class ScoreIntake implements Processor<byte[], byte[], String, Object> {

  static final String STAGE = "scorer/drift-intake";

  /** Episodes whose first step this task has observed: steps of one episode are seen once, by their first. */
  private static final int EPISODES_REMEMBERED = 65_536;

  private final TopicSpec<Score> scores;
  private final boolean perAgent;
  private final HoldoutAccuracies accuracies;
  private final Set<String> episodesSeen = Collections.newSetFromMap(
      new LinkedHashMap<>(1_024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > EPISODES_REMEMBERED;
        }
      });
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
    if (score.getRescore() || (score.getEpisodeId() != null && !episodesSeen.add(score.getEpisodeId()))) {
      return;
    }
    String scope = policyScope(score);
    Observation observation = observationOf(score,
        accuracies.of(score.getModelName(), score.getModelVersion()));
    observation = observation.withModelExamples(accuracies.examplesTrained(score.getModelName(),
        score.getModelVersion()));
    forward(scope, observation, score, record.timestamp());
    if (perAgent) {
      forward(Scopes.agent(score.getPolicyVersion(), score.getAgentId()), observation, score, record.timestamp());
    }
    for (Map.Entry<String, Double> attribute : score.getAttributeRewards().entrySet()) {
      double reward = accuracies.normalizeAttribute(score.getModelName(), score.getModelVersion(), attribute.getKey(),
          attribute.getValue());
      context.forward(new Record<>(Scopes.attribute(score.getPolicyVersion(), attribute.getKey()),
          new Observation(reward, 0, score.getResponseLength(), Double.NaN, null, LabelAgreement.UNKNOWN,
              observation.modelExamples()), record.timestamp()));
    }
  }

  private void forward(String scope, Observation observation, Score score, long timestamp) {
    LabelAgreement labels = accuracies.labels(score.getModelName(), score.getModelVersion(), scope);
    context.forward(new Record<>(scope, labels == LabelAgreement.UNKNOWN ? observation
        : observation.withLabels(labels), timestamp));
  }
}
