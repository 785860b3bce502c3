package dev.rewardstream.trainer;

import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.serde.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Options of the trainer.
 *
 * @param kafka the cluster and how the trainer authenticates to it
 * @param modelName key of the model's versions on the model-updates topic
 * @param artifactDir where versions are written (a shared directory, or a mounted object store)
 * @param featureSpec the featurizer the stream job uses; examples built with another are dead-lettered
 * @param learner network, ensemble and loss options
 * @param batchSize new examples per optimizer step (as many replayed ones join them)
 * @param publishEverySteps publish a candidate after this many steps...
 * @param publishInterval ...or this much time, whichever comes first
 * @param holdoutPercent share of examples (by hash of id) never trained on, for validation; 0 (the default): every
 *     example is learned, and candidates are validated progressively, on each example's score just before it was
 *     learned (see {@link TrainingSchedule})
 * @param holdoutWindow how many recent examples validate a candidate
 * @param gateTolerance a candidate is refused when its holdout accuracy is below the live version's by more
 * @param replayCapacity size of the recent window and of the reservoir of the replay buffer
 */
public record TrainerConfig(
    KafkaConnection kafka, String modelName, Path artifactDir, FeatureSpec featureSpec, LearnerOptions learner,
    int batchSize, int publishEverySteps, Duration publishInterval, int holdoutPercent,
    int holdoutWindow, double gateTolerance, int replayCapacity) {

  /** A constant expression, so command-line options can name it as their default. */
  public static final long DEFAULT_PUBLISH_INTERVAL_MS = 2000;

  public static TrainerConfig defaults(KafkaConnection kafka, Path artifactDir) {
    return new TrainerConfig(kafka, ModelArtifacts.DEFAULT_MODEL_NAME, artifactDir, FeatureSpec.DEFAULT, LearnerOptions.defaults(), 32,
        200,
        Duration.ofMillis(DEFAULT_PUBLISH_INTERVAL_MS), 0, 500, 0.02, 4096);
  }

  /** The artifact directory as the store published versions are read back from. */
  public ArtifactStore artifactStore() {
    return ArtifactStore.at(artifactDir);
  }

  public TrainerConfig withPublishInterval(Duration interval) {
    return new TrainerConfig(kafka, modelName, artifactDir, featureSpec, learner, batchSize,
        publishEverySteps, interval, holdoutPercent, holdoutWindow, gateTolerance, replayCapacity);
  }

  /** Learning on features of {@code spec}: the feature job's spec, which the examples' fingerprint must name. */
  public TrainerConfig withFeatureSpec(FeatureSpec spec) {
    return new TrainerConfig(kafka, modelName, artifactDir, spec, learner, batchSize,
        publishEverySteps, publishInterval, holdoutPercent, holdoutWindow, gateTolerance, replayCapacity);
  }

  public TrainerConfig withLearner(LearnerOptions options) {
    return new TrainerConfig(kafka, modelName, artifactDir, featureSpec, options, batchSize,
        publishEverySteps, publishInterval, holdoutPercent, holdoutWindow, gateTolerance, replayCapacity);
  }
}
