package dev.rewardstream.model;

import ai.djl.ndarray.NDArray;

/**
 * Per-row ensemble statistics: mean reward and the members' standard deviation (population), the epistemic
 * uncertainty a scorer can serve pessimistically (mean − k·std) or optimistically.
 */
public record Ensemble(float[] mean, float[] std) {

  /** From a [rows, members] matrix of member rewards. */
  public static Ensemble of(NDArray memberRewards) {
    NDArray mean = memberRewards.mean(new int[] {1});
    NDArray std = memberRewards.sub(mean.expandDims(1)).square().mean(new int[] {1}).sqrt();
    return new Ensemble(mean.toFloatArray(), std.toFloatArray());
  }
}
