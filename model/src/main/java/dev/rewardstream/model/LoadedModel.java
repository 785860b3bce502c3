package dev.rewardstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import java.util.List;

/**
 * One verified model version, ready to score. Immutable after loading, so it can be swapped in atomically and scored
 * from several threads; each call works in its own NDManager scope, closed before it returns.
 */
public final class LoadedModel implements AutoCloseable {

  private final ModelUpdate update;
  private final NDManager manager;
  private final Block block;
  private final int inputDim;

  private LoadedModel(ModelUpdate update, NDManager manager, Block block, int inputDim) {
    this.update = update;
    this.manager = manager;
    this.block = block;
    this.inputDim = inputDim;
  }

  public static LoadedModel load(ModelUpdate update, FeatureSpec spec) throws ArtifactRejectedException {
    NDManager manager = NDManager.newBaseManager();
    try {
      Block block = ModelArtifacts.load(update, spec, manager);
      return new LoadedModel(update, manager, block, spec.dimension());
    } catch (ArtifactRejectedException | RuntimeException e) {
      manager.close();
      throw e;
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
    if (rows.isEmpty()) {
      return new Ensemble(new float[0], new float[0]);
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray members = RewardNetwork.memberRewards(block, new ParameterStore(scope, false), scope, rows, inputDim,
          false);
      return Ensemble.of(members);
    }
  }

  /** (raw − reference mean) / reference std, as published with the version. */
  public double normalize(double raw) {
    double std = update.getRewardStd();
    return std > 1e-12 ? (raw - update.getRewardMean()) / std : raw - update.getRewardMean();
  }

  @Override
  public void close() {
    manager.close();
  }
}
