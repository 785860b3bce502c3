package dev.rewardstream.trainer;

import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a trainer taking its turn continues from: the checkpoint when it is the one written with the newest published
 * version and the offsets committed with it; otherwise the newest published version's parameters and those committed
 * offsets; otherwise nothing. A checkpoint that does not match was written for a publish that never committed (a crash
 * before the commit, or an instance fenced by this one): trusting it would train from state no published version has.
 * The newest published version is the gate's reference and decides the next version number in every case.
 */
final class TrainerResume {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerResume.class);

  /**
   * @param live the newest published version, loaded, or null (none, or its artifact is refused)
   * @param offsets the positions to seek to, by "topic-partition"; empty to start from the committed offsets
   */
  record Resumed(RewardLearner learner, long liveVersion, Map<String, Double> liveMetrics, LoadedModel live,
      long examplesTrained, long steps, Map<String, Long> offsets) {}

  private TrainerResume() {}

  /**
   * Also restores {@code replay} from the checkpoint, when it is used.
   *
   * @param committed the group's committed offsets, by "topic-partition"
   */
  static Resumed resume(TrainerConfig config, Topics topics, TrainerCheckpoint checkpoint, ReplayBuffer replay,
      Map<String, Long> committed) {
    ModelUpdate latest = null;
    // Every published version, read to the end of the compacted topic: the newest one decides the next number.
    for (ModelUpdate update :
        TopicIO.readAll(config.kafka(), topics.modelUpdates, Duration.ofSeconds(30))) {
      if (update.getModelName().equals(config.modelName()) && (latest == null
          || update.getVersion() > latest.getVersion())) {
        latest = update;
      }
    }
    long liveVersion = latest == null ? 0 : latest.getVersion();
    Map<String, Double> liveMetrics = latest == null ? Map.of() : latest.getMetrics();
    LoadedModel live = null;
    if (latest != null) {
      try {
        live = LoadedModel.load(latest, config.featureSpec(), config.artifactStore());
      } catch (ArtifactRejectedException e) {
        LOG.warn("published version {} cannot serve as the gate's reference: {}", liveVersion, e.getMessage());
      }
    }
    Optional<TrainerCheckpoint.Restored> restored = checkpoint.read(config.featureSpec(), replay);
    if (restored.isPresent() && (restored.get().state().version() != liveVersion
        || !restored.get().state().offsets().equals(committed))) {
      LOG.warn("checkpoint of v{} at offsets {} is not the state published as v{} at committed offsets {}: resuming "
              + "from the published version", restored.get().state().version(), restored.get().state().offsets(),
          liveVersion, committed);
      restored.get().learner().close();
      replay.clear();
      restored = Optional.empty();
    }
    if (restored.isPresent()) {
      TrainerCheckpoint.State state = restored.get().state();
      LOG.info("resumed model '{}' from its checkpoint of v{}: {} examples trained, offsets {}", config.modelName(),
          state.version(), state.examplesTrained(), state.offsets());
      return new Resumed(restored.get().learner(), liveVersion, liveMetrics, live, state.examplesTrained(),
          state.steps(), state.offsets());
    }
    if (latest != null) {
      // No checkpoint (first run of this trainer, or it was lost): continue from the published parameters and the
      // committed offsets, which were committed with that version.
      try {
        RewardLearner learner = RewardLearner.fromPublished(config.featureSpec(), config.learner(), latest,
            config.artifactStore());
        LOG.info("resumed model '{}' from published version {}", config.modelName(), liveVersion);
        return new Resumed(learner, liveVersion, liveMetrics, live, latest.getExamplesTrained(), 0, Map.of());
      } catch (ArtifactRejectedException e) {
        LOG.warn("cannot resume from version {} ({}); training from scratch", liveVersion, e.getMessage());
      }
    } else {
      LOG.info("no published version of model '{}': training from scratch", config.modelName());
    }
    return new Resumed(RewardLearner.create(config.featureSpec(), config.learner()), liveVersion, liveMetrics, live, 0,
        0, Map.of());
  }
}
