package dev.rewardstream.jobs;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.serde.SerdeConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * Options of the feature job.
 *
 * @param serde registry URL, topic prefix, record size bound
 * @param featureSpec the featurizer shared with the scorer
 * @param maxTextChars longer prompt or response texts are rejected
 * @param unmatchedTimeout how long a preference waits for the interactions it names before it is dead-lettered
 * @param interactionRetention how long featurized interactions (and unfinished episodes) stay in keyed state
 * @param environments configured vector specs per environment; others are learned from their first interaction
 * @param statsExportInterval how often changed normalization statistics are published per environment
 * @param attribution how sparse end-of-episode rewards become pointwise examples
 */
public record FeatureJobConfig(
    SerdeConfig serde, FeatureSpec featureSpec, int maxTextChars, Duration unmatchedTimeout,
    Duration interactionRetention, Map<String, EnvironmentSpec> environments, Duration statsExportInterval,
    RewardAttribution attribution) implements Serializable {

  public static final Duration DEFAULT_UNMATCHED_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_INTERACTION_RETENTION = Duration.ofDays(1);
  public static final RewardAttribution DEFAULT_REWARD_ATTRIBUTION = RewardAttribution.SPREAD;

  public FeatureJobConfig {
    environments = Map.copyOf(environments);
  }

  public static FeatureJobConfig defaults(SerdeConfig serde) {
    return new FeatureJobConfig(serde, FeatureSpec.DEFAULT, InteractionValidator.DEFAULT_MAX_TEXT_CHARS, DEFAULT_UNMATCHED_TIMEOUT,
        DEFAULT_INTERACTION_RETENTION, Map.of(), Duration.ofSeconds(1), DEFAULT_REWARD_ATTRIBUTION);
  }

  public FeatureJobConfig withFeatureSpec(FeatureSpec spec) {
    return new FeatureJobConfig(serde, spec, maxTextChars, unmatchedTimeout, interactionRetention, environments,
        statsExportInterval, attribution);
  }

  public FeatureJobConfig withMaxTextChars(int chars) {
    return new FeatureJobConfig(serde, featureSpec, chars, unmatchedTimeout, interactionRetention, environments,
        statsExportInterval, attribution);
  }

  public FeatureJobConfig withUnmatchedTimeout(Duration timeout) {
    return new FeatureJobConfig(serde, featureSpec, maxTextChars, timeout, interactionRetention, environments,
        statsExportInterval, attribution);
  }

  public FeatureJobConfig withEnvironments(Map<String, EnvironmentSpec> specs) {
    return new FeatureJobConfig(serde, featureSpec, maxTextChars, unmatchedTimeout, interactionRetention, specs,
        statsExportInterval, attribution);
  }

  public FeatureJobConfig withAttribution(RewardAttribution mode) {
    return new FeatureJobConfig(serde, featureSpec, maxTextChars, unmatchedTimeout, interactionRetention,
        environments, statsExportInterval, mode);
  }
}
