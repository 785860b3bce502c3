package dev.rewardstream.scorer;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.model.ModelArtifacts;
import java.time.Duration;

/**
 * Options of the scorer.
 *
 * @param modelName which model's versions to serve
 * @param featureSpec the featurizer; versions trained on another are refused
 * @param maxTextChars interaction validation bound, as in the feature job
 * @param retainedOutputs how many recent interactions per task are kept to rescore when a version lands
 * @param rescoreCheckInterval how often a task checks for a new live version to rescore with
 * @param uncertaintyPenalty k of the pessimistic (mean − k·std) and optimistic (mean + k·std) rewards
 * @param discount γ of the discounted return of trajectory steps
 * @param maxTrajectories most candidate trajectories one {@code POST /v1/trajectories} request may carry
 * @param badStepThreshold a step of a response made of steps is judged bad when its own reward is below −this
 */
public record ScorerConfig(String modelName, FeatureSpec featureSpec, int maxTextChars, int retainedOutputs,
    Duration rescoreCheckInterval, double uncertaintyPenalty, double discount, int maxTrajectories,
    double badStepThreshold) {

  // Constant expressions, so that the command line's options name them instead of repeating them.
  public static final int DEFAULT_RETAINED_OUTPUTS = 1_000;
  public static final long DEFAULT_RESCORE_CHECK_INTERVAL_MS = 500;
  public static final double DEFAULT_UNCERTAINTY_PENALTY = 1.0;
  public static final double DEFAULT_DISCOUNT = 0.99;
  public static final int DEFAULT_MAX_TRAJECTORIES = 4_096;
  /**
   * Half-way between a neutral (0) and a bad (−1) step on PRM800K's scale, which step labels teach the step rewards.
   */
  public static final double DEFAULT_BAD_STEP_THRESHOLD = 0.5;

  public ScorerConfig(String modelName, FeatureSpec featureSpec, int maxTextChars, int retainedOutputs,
      Duration rescoreCheckInterval, double uncertaintyPenalty, double discount, int maxTrajectories) {
    this(modelName, featureSpec, maxTextChars, retainedOutputs, rescoreCheckInterval, uncertaintyPenalty, discount,
        maxTrajectories, DEFAULT_BAD_STEP_THRESHOLD);
  }

  public ScorerConfig(String modelName, FeatureSpec featureSpec, int maxTextChars, int retainedOutputs,
      Duration rescoreCheckInterval) {
    this(modelName, featureSpec, maxTextChars, retainedOutputs, rescoreCheckInterval, DEFAULT_UNCERTAINTY_PENALTY,
        DEFAULT_DISCOUNT, DEFAULT_MAX_TRAJECTORIES);
  }

  public static ScorerConfig defaults() {
    return new ScorerConfig(ModelArtifacts.DEFAULT_MODEL_NAME, FeatureSpec.DEFAULT, InteractionValidator.DEFAULT_MAX_TEXT_CHARS,
        DEFAULT_RETAINED_OUTPUTS, Duration.ofMillis(DEFAULT_RESCORE_CHECK_INTERVAL_MS));
  }
}
