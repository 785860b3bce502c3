package dev.rewardstream.model;

import ai.djl.ndarray.NDArray;

/**
 * Per-row ensemble statistics: mean reward and the members' standard deviation (population), the epistemic
 * uncertainty a scorer can serve pessimistically (mean − k·std) or optimistically.
 */
public record Ensemble(float[] mean, float[] std) {

  /** The members' mean, summed in double in member order: the one definition every scoring path shares. */
  public static double mean(float[] members) {
    double sum = 0;
    for (float m : members) {
      sum += m;
    }
    return sum / members.length;
  }

  /** The members' population standard deviation around {@code mean}. */
  public static double std(float[] members, double mean) {
    double squares = 0;
    for (float m : members) {
      squares += (m - mean) * (m - mean);
    }
    return Math.sqrt(squares / members.length);
  }

  /** From a [rows, members] matrix of member rewards. */
  public static Ensemble of(NDArray memberRewards) {
    NDArray mean = memberRewards.mean(new int[] {1});
    NDArray std = memberRewards.sub(mean.expandDims(1)).square().mean(new int[] {1}).sqrt();
    return new Ensemble(mean.toFloatArray(), std.toFloatArray());
  }
}
