package dev.rewardstream.sim;

import dev.rewardstream.schema.PreferenceOutcome;
import java.util.Random;

/**
 * A Bradley-Terry labeler on the true reward: prefers A with probability σ((rA − rB) / temperature). With label noise
 * ε a label is a fair coin instead, so P(A) = (1 − ε)·σ(·) + ε/2; pairs whose rewards differ by less than the tie
 * margin are labelled TIE. No model can agree with its labels more often than E[max(p, 1 − p)] over the non-tie pairs,
 * the Bayes-optimal accuracy.
 */
public final class Labeler {

  private final double temperature;
  private final double noise;
  private final double tieMargin;
  private final Random random;

  public Labeler(double temperature, long seed) {
    this(temperature, 0, 0, seed);
  }

  /**
   * @param noise share of labels that are a fair coin flip instead of the Bradley-Terry draw
   * @param tieMargin |rA − rB| below which the labeler says TIE (0: never)
   */
  public Labeler(double temperature, double noise, double tieMargin, long seed) {
    this.temperature = temperature;
    this.noise = noise;
    this.tieMargin = tieMargin;
    this.random = new Random(seed);
  }

  public double probabilityAPreferred(double rewardA, double rewardB) {
    double bt = 1.0 / (1.0 + Math.exp(-(rewardA - rewardB) / temperature));
    return (1 - noise) * bt + noise / 2;
  }

  public boolean isTie(double rewardA, double rewardB) {
    return Math.abs(rewardA - rewardB) < tieMargin;
  }

  /** Draws a label: true when A is preferred. */
  public boolean prefersA(double rewardA, double rewardB) {
    return random.nextDouble() < probabilityAPreferred(rewardA, rewardB);
  }

  public PreferenceOutcome label(double rewardA, double rewardB) {
    if (isTie(rewardA, rewardB)) {
      return PreferenceOutcome.TIE;
    }
    return prefersA(rewardA, rewardB) ? PreferenceOutcome.A : PreferenceOutcome.B;
  }

  public double bayesOptimalAccuracy(double rewardA, double rewardB) {
    double p = probabilityAPreferred(rewardA, rewardB);
    return Math.max(p, 1 - p);
  }
}
