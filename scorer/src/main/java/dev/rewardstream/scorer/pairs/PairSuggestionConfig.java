package dev.rewardstream.scorer.pairs;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;

/**
 * The pair-suggestion application's settings.
 *
 * @param modelName whose live version judges the pairs
 * @param featureSpec the featurizer that version was trained with
 * @param candidatesPerPrompt how many recent outputs per prompt a new output is compared with
 * @param minInformation a pair is suggested only if a label on it would teach at least this much (nats)
 */
public record PairSuggestionConfig(String modelName, FeatureSpec featureSpec, int candidatesPerPrompt,
    double minInformation) {

  public PairSuggestionConfig {
    if (candidatesPerPrompt < 1) {
      throw new IllegalArgumentException("candidatesPerPrompt must be at least 1, got " + candidatesPerPrompt);
    }
    if (!(minInformation >= 0)) {
      throw new IllegalArgumentException("minInformation must be at least 0, got " + minInformation);
    }
  }

  /** The default model, the last 8 outputs per prompt, and any pair whose label would teach anything measurable. */
  public static PairSuggestionConfig defaults() {
    return new PairSuggestionConfig(ModelArtifacts.DEFAULT_MODEL_NAME, FeatureSpec.DEFAULT, 8, 1e-3);
  }
}
