package dev.rewardstream.scorer;

import dev.rewardstream.model.NumericNormalizer;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.NormalizationStats;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest normalization statistics per environment, as the feature job exported them. Interactions with numeric
 * values are standardized with them before featurizing — the same {@link NumericNormalizer} the job applies — so a
 * step is scored on the scale its model was trained on. Text-only interactions pass through untouched.
 */
public final class NormalizationTable {

  private final Map<String, NumericNormalizer> byEnvironment = new ConcurrentHashMap<>();

  public void update(NormalizationStats stats) {
    byEnvironment.merge(stats.getEnvironment(), new NumericNormalizer(stats),
        (old, now) -> now.stats().getCount() >= old.stats().getCount() ? now : old);
  }

  /**
   * The normalizer of {@code environment}'s latest snapshot, if the feature job has exported one: a caller that holds
   * it applies one snapshot to everything it normalizes, whatever arrives meanwhile.
   */
  public Optional<NumericNormalizer> normalizerOf(String environment) {
    return Optional.ofNullable(byEnvironment.get(environment));
  }

  /** The environments with statistics, sorted. */
  public List<String> environments() {
    return byEnvironment.keySet().stream().sorted().toList();
  }

  public Interaction normalize(Interaction interaction) {
    if (!NumericNormalizer.hasNumbers(interaction)) {
      return interaction;
    }
    NumericNormalizer normalizer = byEnvironment.get(NumericNormalizer.environmentOf(interaction));
    return normalizer == null ? interaction : normalizer.normalize(interaction);
  }
}
