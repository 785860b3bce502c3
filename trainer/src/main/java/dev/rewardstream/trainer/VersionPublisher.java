package dev.rewardstream.trainer;

import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Makes a validated candidate a version: its parameters file, then the trainer's checkpoint, then the
 * {@code model-updates} event. In that order, a crash after the checkpoint and before the event leaves a consistent
 * state whose version number was never seen, so the next run may publish it; the caller commits the consumer's
 * offsets only after the event is acknowledged.
 */
final class VersionPublisher {

  private final TrainerConfig config;
  private final Topics topics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final TrainerCheckpoint checkpoint;

  VersionPublisher(TrainerConfig config, Topics topics, KafkaProducer<byte[], byte[]> producer,
      TrainerCheckpoint checkpoint) {
    this.config = config;
    this.topics = topics;
    this.producer = producer;
    this.checkpoint = checkpoint;
  }

  /**
   * @param candidate the candidate's validation, published as its metrics
   * @param reference the candidate's rewards whose mean and spread the scorer normalizes by
   * @param positions the consumer's positions after the last example trained on, by "topic-partition"
   * @param candidatesRefused candidates the gate refused so far, so readers of the topic see refusals between versions
   * @return the event, acknowledged by the broker
   */
  ModelUpdate publish(long version, RewardLearner learner, ReplayBuffer replay, TrainingSchedule schedule,
      Evaluation candidate, Evaluation reference, Map<String, Long> positions, long candidatesRefused)
      throws Exception {
    ModelArtifacts.Written written = learner.write(config.artifactDir(), config.modelName(), version);
    checkpoint.write(new TrainerCheckpoint.State(version, schedule.examplesTrained(), schedule.steps(), positions),
        learner, replay);
    Map<String, Double> metrics = new HashMap<>(candidate.asMetrics());
    metrics.put(VersionMetrics.EXAMPLES_TRAINED, (double) schedule.examplesTrained());
    metrics.putAll(schedule.scopeAgreement());
    metrics.put(VersionMetrics.CANDIDATES_REFUSED, (double) candidatesRefused);
    if (Double.isFinite(schedule.trainingLoss())) {
      metrics.put(VersionMetrics.TRAINING_LOSS, schedule.trainingLoss());
    }
    if (schedule.newestTrainedEventTimeMs() > 0) {
      // The scorer measures preference → served model from it.
      metrics.put(VersionMetrics.NEWEST_EXAMPLE_EVENT_TIME_MS, (double) schedule.newestTrainedEventTimeMs());
    }
    ModelUpdate update = ModelUpdate.newBuilder()
        .setModelName(config.modelName())
        .setVersion(version)
        .setCreatedAt(Instant.now())
        .setArtifactUri(written.uri().toString())
        .setSha256(written.sha256())
        .setFeatureSpec(config.featureSpec().fingerprint())
        .setArchitecture(learner.architecture().describe())
        .setRewardMean(reference.rewardMean())
        .setRewardStd(reference.rewardStd())
        .setExamplesTrained(schedule.examplesTrained())
        .setMetrics(metrics)
        .build();
    producer.send(new ProducerRecord<>(topics.modelUpdates.name(),
        config.modelName().getBytes(StandardCharsets.UTF_8), topics.modelUpdates.encode(update)))
        .get(30, TimeUnit.SECONDS);
    return update;
  }
}
