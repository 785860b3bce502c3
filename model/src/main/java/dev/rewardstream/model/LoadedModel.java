package dev.rewardstream.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import java.util.List;

/**
 * One verified model version, ready to score. Immutable after loading, so it can be swapped in atomically and scored
 * from several threads; scoring runs on the sparse features in plain Java ({@link SparseInference}).
 */
public final class LoadedModel implements AutoCloseable {

  private final ModelUpdate update;
  private final SparseInference inference;

  private LoadedModel(ModelUpdate update, SparseInference inference) {
    this.update = update;
    this.inference = inference;
  }

  /** Loads {@code update}'s artifact from {@code store} once it is verified ({@link ModelArtifacts#load}). */
  public static LoadedModel load(ModelUpdate update, FeatureSpec spec, ArtifactStore store)
      throws ArtifactRejectedException {
    // The native network is needed only to read the verified parameters out; scoring uses plain Java arrays.
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = ModelArtifacts.load(update, spec, store, manager);
      return new LoadedModel(update,
          SparseInference.of(block, RewardNetwork.Architecture.parse(update.getArchitecture())));
    }
  }

  public ModelUpdate update() {
    return update;
  }

  public long version() {
    return update.getVersion();
  }

  /** Raw rewards of each row: the ensemble mean. */
  public float[] score(List<SparseFeatures> rows) {
    return scoreWithUncertainty(rows).mean();
  }

  /** Ensemble mean and standard deviation of each row's raw reward (std 0 for a single model). */
  public Ensemble scoreWithUncertainty(List<SparseFeatures> rows) {
    return scoreVectors(rows.stream().map(FeatureVector::of).toList());
  }

  /** {@link #scoreWithUncertainty} on the featurizer's primitive vectors: the scorer's hot path. */
  public Ensemble scoreVectors(List<FeatureVector> rows) {
    float[] mean = new float[rows.size()];
    float[] std = new float[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      float[] members = inference.memberRewards(rows.get(r));
      double mu = Ensemble.mean(members);
      mean[r] = (float) mu;
      std[r] = (float) Ensemble.std(members, mu);
    }
    return new Ensemble(mean, std);
  }

  /** Each ensemble member's reward of one row. */
  public float[] memberRewards(FeatureVector row) {
    return inference.memberRewards(row);
  }

  /** What a label on the pair ({@code a}, {@code b}) would teach this version ({@link PairInformation}). */
  public PairInformation pairInformation(FeatureVector a, FeatureVector b) {
    return PairInformation.ofMembers(inference.memberRewards(a), inference.memberRewards(b));
  }

  /** (raw − reference mean) / reference std, as published with the version. */
  public double normalize(double raw) {
    double std = update.getRewardStd();
    return std > 1e-12 ? (raw - update.getRewardMean()) / std : raw - update.getRewardMean();
  }

  /** Nothing native is held after loading; kept so holders manage versions uniformly. */
  @Override
  public void close() {}
}
