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
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Makes a validated candidate a version, in one Kafka transaction of the trainer's producer: its parameters file (named
 * by its content), the {@code model-updates} event, the trainer's checkpoint, then the consumer's offsets with the
 * event. Readers see the event only once the offsets it was trained to are committed with it. A crash before the
 * commit leaves the version number unseen and the checkpoint ahead of the committed offsets, which the next holder
 * therefore does not trust ({@link TrainerResume}). A trainer whose turn passed to another instance is fenced: its
 * event is never committed.
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
   * @param perAttribute each attribute head's validation ({@link Evaluation#perAttribute}) and reward scale, empty for a
   *     single head
   * @param reference the candidate's rewards whose mean and spread the scorer normalizes by
   * @param positions the consumer's positions after the last example trained on, by "topic-partition"
   * @param candidatesRefused candidates the gate refused so far, so readers of the topic see refusals between versions
   * @param group the trainer consumer's group membership, which the offsets are committed under
   * @param acknowledged told once the broker has the event, before the transaction commits
   * @return the event, committed
   */
  ModelUpdate publish(long version, RewardLearner learner, ReplayBuffer replay, TrainingSchedule schedule,
      Evaluation candidate, Map<String, Double> perAttribute, Evaluation reference, Map<TopicPartition, Long> positions, long candidatesRefused,
      ConsumerGroupMetadata group, Consumer<ModelUpdate> acknowledged) throws Exception {
    ModelArtifacts.Written written = learner.write(config.artifactDir(), config.modelName(), version);
    Map<String, Double> metrics = new HashMap<>(candidate.asMetrics());
    metrics.putAll(perAttribute);
    metrics.put(VersionMetrics.EXAMPLES_TRAINED, (double) schedule.examplesTrained());
    metrics.putAll(schedule.scopeAgreement());
    metrics.put(VersionMetrics.CANDIDATES_REFUSED, (double) candidatesRefused);
    metrics.putAll(learner.versionMetrics());
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
        .setAttributes(learner.attributes().toAvro())
        .build();
    producer.beginTransaction();
    producer.send(new ProducerRecord<>(topics.modelUpdates.name(),
        config.modelName().getBytes(StandardCharsets.UTF_8), topics.modelUpdates.encode(update)))
        .get(30, TimeUnit.SECONDS);
    acknowledged.accept(update);
    Map<String, Long> byName = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach((partition, offset) -> {
      byName.put(partition.toString(), offset);
      offsets.put(partition, new OffsetAndMetadata(offset));
    });
    checkpoint.write(new TrainerCheckpoint.State(version, schedule.examplesTrained(), schedule.steps(), byName),
        learner, replay);
    producer.sendOffsetsToTransaction(offsets, group);
    producer.commitTransaction();
    return update;
  }
}
