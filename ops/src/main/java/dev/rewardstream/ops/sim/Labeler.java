package dev.rewardstream.ops.sim;

import java.util.Random;

/**
 * A Bradley-Terry labeler on the true reward: prefers A with probability σ((rA − rB) / temperature). No model can
 * agree with its labels more often than E[max(p, 1 − p)], the Bayes-optimal accuracy.
 */
public final class Labeler {

  private final double temperature;
  private final Random random;

  public Labeler(double temperature, long seed) {
    this.temperature = temperature;
    this.random = new Random(seed);
  }

  public double probabilityAPreferred(double rewardA, double rewardB) {
    return 1.0 / (1.0 + Math.exp(-(rewardA - rewardB) / temperature));
  }

  /** Draws a label: true when A is preferred. */
  public boolean prefersA(double rewardA, double rewardB) {
    return random.nextDouble() < probabilityAPreferred(rewardA, rewardB);
  }

  public double bayesOptimalAccuracy(double rewardA, double rewardB) {
    double p = probabilityAPreferred(rewardA, rewardB);
    return Math.max(p, 1 - p);
  }
}
