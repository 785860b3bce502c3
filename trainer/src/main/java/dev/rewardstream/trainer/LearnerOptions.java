package dev.rewardstream.trainer;

import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.schema.LabelSource;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the reward model learns.
 *
 * @param algorithm the online linear mixture (default) or the Adam-trained network
 * @param hidden hidden units of each member's MLP (0: linear)
 * @param members ensemble size; the members' spread is the served uncertainty (for the online linear mixture: draws
 *     from its posterior, in antithetic pairs around the served mean)
 * @param learningRate Adam learning rate (network only)
 * @param centerRewardsCoefficient weight of the mean squared reward of each pair, keeping rewards centred (0: off)
 * @param sourceWeights multiplier of the example weight per label source (absent: 1)
 * @param seed initialization and bootstrap seed
 * @param attributes the reward attributes the model has a head for, and their weights in the served reward
 */
public record LearnerOptions(Algorithm algorithm, int hidden, int members, float learningRate,
    double centerRewardsCoefficient, Map<LabelSource, Double> sourceWeights, long seed, RewardAttributes attributes) {

  /** How the weights are learned; the served artifact is a {@code RewardNetwork} either way. */
  public enum Algorithm {
    /**
     * Three online linear Bradley-Terry learners updated on every example as it arrives (SGD, FTRL-Proximal, and a
     * Bayesian logistic regression with a diagonal posterior), combined by their recent predictive log-loss; served
     * as one linear model. No replay, no batching: see {@link OnlineLinearMixture}.
     */
    ONLINE_LINEAR("online-linear"),
    /** A DJL network (MLP or linear ensemble) trained by Adam on batches of new and replayed examples. */
    NETWORK("network");

    private final String cliName;

    Algorithm(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    public static Algorithm named(String name) {
      for (Algorithm algorithm : values()) {
        if (algorithm.cliName.equals(name)) {
          return algorithm;
        }
      }
      throw new IllegalArgumentException("unknown learner '" + name + "'; known: online-linear, network");
    }
  }

  public LearnerOptions {
    sourceWeights = sourceWeights.isEmpty() ? Map.of() : new EnumMap<>(sourceWeights);
    if (algorithm == Algorithm.ONLINE_LINEAR && hidden != 0) {
      throw new IllegalArgumentException("the online-linear learner is linear: hidden must be 0, got " + hidden);
    }
    if (algorithm == Algorithm.NETWORK && attributes.named()) {
      throw new IllegalArgumentException("--attributes needs --learner online-linear: the network learner has one head");
    }
  }

  /**
   * Whether the trainer replays past examples beside new ones: the network's Adam steps on small batches do; the
   * online learners see each example once, as it comes, which is how they learn most per label
   * (docs/label-efficiency.md).
   */
  public boolean replays() {
    return algorithm == Algorithm.NETWORK;
  }

  /**
   * The online linear mixture, served as 8 posterior draws: the learner that learns most per label on every simulated
   * world measured (docs/label-efficiency.md) and recovers from a preference drift within a few thousand labels.
   */
  public static LearnerOptions defaults() {
    return new LearnerOptions(Algorithm.ONLINE_LINEAR, 0, 8, 0.5f, 0, Map.of(), 42, RewardAttributes.SINGLE);
  }

  /**
   * MLP members (hidden 32, ReLU, scalar head), an ensemble of 3, Adam at 0.005: the network the trainer used before
   * the online linear mixture; nonlinear, and slower to learn per label.
   */
  public static LearnerOptions network() {
    return new LearnerOptions(Algorithm.NETWORK, 32, 3, 0.005f, 0.01, Map.of(), 42, RewardAttributes.SINGLE);
  }

  /** A linear ensemble of 5 trained by Adam at 0.002 (a network without hidden layer). */
  public static LearnerOptions linear() {
    return new LearnerOptions(Algorithm.NETWORK, 0, 5, 0.002f, 0.01, Map.of(), 42, RewardAttributes.SINGLE);
  }

  /** For reports: "linear ×5, Adam lr 0.002", "MLP 32 ×3, Adam lr 0.005" or the online mixture. */
  public String describe() {
    if (algorithm == Algorithm.ONLINE_LINEAR) {
      return "online linear mixture (SGD, FTRL, Bayes) ×" + members + " posterior draws"
          + (attributes.named() ? ", heads " + attributes.describe() : "");
    }
    return (hidden == 0 ? "linear" : "MLP " + hidden) + " ×" + members + ", Adam lr " + learningRate;
  }

  public double sourceWeight(LabelSource source) {
    return sourceWeights.getOrDefault(source, 1.0);
  }

  public LearnerOptions withAlgorithm(Algorithm value) {
    return new LearnerOptions(value, hidden, members, learningRate, centerRewardsCoefficient, sourceWeights, seed, attributes);
  }

  public LearnerOptions withHidden(int value) {
    return new LearnerOptions(algorithm, value, members, learningRate, centerRewardsCoefficient, sourceWeights, seed, attributes);
  }

  public LearnerOptions withMembers(int value) {
    return new LearnerOptions(algorithm, hidden, value, learningRate, centerRewardsCoefficient, sourceWeights, seed, attributes);
  }

  public LearnerOptions withLearningRate(float value) {
    return new LearnerOptions(algorithm, hidden, members, value, centerRewardsCoefficient, sourceWeights, seed, attributes);
  }

  public LearnerOptions withCenterRewardsCoefficient(double value) {
    return new LearnerOptions(algorithm, hidden, members, learningRate, value, sourceWeights, seed, attributes);
  }

  public LearnerOptions withSourceWeights(Map<LabelSource, Double> value) {
    return new LearnerOptions(algorithm, hidden, members, learningRate, centerRewardsCoefficient, value, seed,
        attributes);
  }

  public LearnerOptions withAttributes(RewardAttributes value) {
    return new LearnerOptions(algorithm, hidden, members, learningRate, centerRewardsCoefficient, sourceWeights, seed,
        value);
  }
}
