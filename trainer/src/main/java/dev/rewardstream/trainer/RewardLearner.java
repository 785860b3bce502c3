package dev.rewardstream.trainer;

import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A reward model that learns online from training examples and publishes versions the scorer can serve: the
 * {@link LearnerOptions.Algorithm#ONLINE_LINEAR} mixture of online linear learners (the default) or the
 * {@link LearnerOptions.Algorithm#NETWORK} DJL network trained with Adam.
 */
public interface RewardLearner extends AutoCloseable {

  /** A new learner of the kind {@code options} name. */
  static RewardLearner create(FeatureSpec spec, LearnerOptions options) {
    if (options.attributes().named()) {
      return new AttributeHeads(spec, options);
    }
    return switch (options.algorithm()) {
      case ONLINE_LINEAR -> new OnlineLinearMixture(spec, options);
      case NETWORK -> new OnlineRewardLearner(spec, options);
    };
  }

  /** A learner continuing from what {@link #saveState} wrote. */
  static RewardLearner fromState(FeatureSpec spec, LearnerOptions options, DataInputStream in) throws IOException {
    if (options.attributes().named()) {
      return AttributeHeads.fromState(spec, options, in);
    }
    return switch (options.algorithm()) {
      case ONLINE_LINEAR -> OnlineLinearMixture.fromState(spec, options, in);
      case NETWORK -> OnlineRewardLearner.fromState(spec, options, in);
    };
  }

  /** A learner continuing from a published version's verified parameters, when no checkpoint of its own is left. */
  static RewardLearner fromPublished(FeatureSpec spec, LearnerOptions options, ModelUpdate update,
      ArtifactStore store) throws ArtifactRejectedException {
    if (options.attributes().named() || !update.getAttributes().isEmpty()) {
      return AttributeHeads.fromPublished(spec, options, update, store);
    }
    return switch (options.algorithm()) {
      case ONLINE_LINEAR -> OnlineLinearMixture.fromPublished(spec, options, update, store);
      case NETWORK -> OnlineRewardLearner.fromPublished(spec, options, update, store);
    };
  }

  /** The architecture of the versions a learner of these options publishes. */
  static RewardNetwork.Architecture architecture(FeatureSpec spec, LearnerOptions options) {
    return new RewardNetwork.Architecture(spec.dimension(), options.hidden(), options.members(),
        options.attributes().heads());
  }

  RewardNetwork.Architecture architecture();

  FeatureSpec featureSpec();

  /** Learns from {@code examples}, in order; returns their mean loss before learning. */
  double trainStep(List<TrainingExample> examples);

  /** Per-step rewards (the served mean), without learning. */
  float[] score(List<SparseFeatures> steps);

  /** The heads this learner has, and their weights in the served reward. */
  default RewardAttributes attributes() {
    return RewardAttributes.SINGLE;
  }

  /** What a version of this learner tells its readers about itself, beside its validation ({@link VersionMetrics}). */
  default java.util.Map<String, Double> versionMetrics() {
    return java.util.Map.of();
  }

  /** Per-step rewards of one head (-1: the served reward). */
  default float[] scoreHead(int head, List<SparseFeatures> steps) {
    return score(steps);
  }

  /** Each example's side rewards by the head of the attribute it judges ({@link SideRewards#byAttribute}). */
  default double[][] sideRewards(List<TrainingExample> examples) {
    return SideRewards.byAttribute(examples, attributes(), this::scoreHead);
  }

  /** Per-step rewards with the spread the published version's members will show. */
  Ensemble scoreWithUncertainty(List<SparseFeatures> steps);

  /**
   * rA − rB for single-step pairs ({@code a.get(i)} against {@code b.get(i)}): the mean margin and its uncertainty,
   * the model's own doubt about which side it prefers.
   */
  Ensemble margins(List<SparseFeatures> a, List<SparseFeatures> b);

  /** How well each head orders the labels of its own attribute, over {@code examples}. */
  default Evaluation evaluate(List<TrainingExample> examples) {
    return Evaluation.of(examples, sideRewards(examples));
  }

  /** Writes the current parameters as a servable version. */
  ModelArtifacts.Written write(Path root, String modelName, long version) throws IOException;

  /** Everything needed to continue learning exactly where this learner stands, for the trainer's checkpoint. */
  void saveState(DataOutputStream out) throws IOException;

  @Override
  void close();
}
