package dev.rewardstream.jobs;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.serde.SerdeConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * Options of the feature job.
 *
 * @param serde registry URL, topic prefix, record size bound
 * @param featureSpec the featurizer shared with the scorer
 * @param maxTextChars longer prompt or response texts are rejected
 * @param unmatchedTimeout how long a preference waits for the interactions it names before it is dead-lettered
 * @param interactionRetention how long featurized interactions stay joinable (keyed state TTL)
 */
public record FeatureJobConfig(
    SerdeConfig serde, FeatureSpec featureSpec, int maxTextChars, Duration unmatchedTimeout,
    Duration interactionRetention) implements Serializable {

  public static final int DEFAULT_MAX_TEXT_CHARS = 32_768;
  public static final Duration DEFAULT_UNMATCHED_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_INTERACTION_RETENTION = Duration.ofDays(1);

  public static FeatureJobConfig defaults(SerdeConfig serde) {
    return new FeatureJobConfig(serde, FeatureSpec.DEFAULT, DEFAULT_MAX_TEXT_CHARS, DEFAULT_UNMATCHED_TIMEOUT,
        DEFAULT_INTERACTION_RETENTION);
  }

  public FeatureJobConfig withUnmatchedTimeout(Duration timeout) {
    return new FeatureJobConfig(serde, featureSpec, maxTextChars, timeout, interactionRetention);
  }
}
