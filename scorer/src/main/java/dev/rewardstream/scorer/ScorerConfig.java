package dev.rewardstream.scorer;

import dev.rewardstream.model.FeatureSpec;
import java.time.Duration;

/**
 * Options of the scorer.
 *
 * @param modelName which model's versions to serve
 * @param featureSpec the featurizer; versions trained on another are refused
 * @param maxTextChars interaction validation bound, as in the feature job
 * @param retainedOutputs how many recent interactions per task are kept to rescore when a version lands
 * @param rescoreCheckInterval how often a task checks for a new live version to rescore with
 */
public record ScorerConfig(String modelName, FeatureSpec featureSpec, int maxTextChars, int retainedOutputs,
    Duration rescoreCheckInterval) {

  public static ScorerConfig defaults() {
    return new ScorerConfig("reward", FeatureSpec.DEFAULT, 32_768, 1_000, Duration.ofMillis(500));
  }
}
