package dev.rewardstream.trainer;

import dev.rewardstream.schema.LabelSource;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the reward model learns.
 *
 * @param hidden hidden units of each member's MLP (0: linear)
 * @param members ensemble size; the members' spread is the served uncertainty
 * @param learningRate Adam learning rate
 * @param centerRewardsCoefficient weight of the mean squared reward of each pair, keeping rewards centred (0: off)
 * @param sourceWeights multiplier of the example weight per label source (absent: 1)
 * @param seed initialization and bootstrap seed
 */
public record LearnerOptions(int hidden, int members, float learningRate, double centerRewardsCoefficient,
    Map<LabelSource, Double> sourceWeights, long seed) {

  public LearnerOptions {
    sourceWeights = sourceWeights.isEmpty() ? Map.of() : new EnumMap<>(sourceWeights);
  }

  public static LearnerOptions defaults() {
    return new LearnerOptions(32, 3, 0.005f, 0.01, Map.of(), 42);
  }

  public double sourceWeight(LabelSource source) {
    return sourceWeights.getOrDefault(source, 1.0);
  }

  public LearnerOptions withHidden(int value) {
    return new LearnerOptions(value, members, learningRate, centerRewardsCoefficient, sourceWeights, seed);
  }

  public LearnerOptions withMembers(int value) {
    return new LearnerOptions(hidden, value, learningRate, centerRewardsCoefficient, sourceWeights, seed);
  }

  public LearnerOptions withLearningRate(float value) {
    return new LearnerOptions(hidden, members, value, centerRewardsCoefficient, sourceWeights, seed);
  }

  public LearnerOptions withCenterRewardsCoefficient(double value) {
    return new LearnerOptions(hidden, members, learningRate, value, sourceWeights, seed);
  }

  public LearnerOptions withSourceWeights(Map<LabelSource, Double> value) {
    return new LearnerOptions(hidden, members, learningRate, centerRewardsCoefficient, value, seed);
  }
}
