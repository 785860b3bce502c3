package dev.rewardstream.drift;

import dev.rewardstream.schema.ModelUpdate;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The holdout pairwise accuracy of each published model version, from the model-updates topic's metrics. The drift
 * monitor reads only this from the model updates: it never loads an artifact, so it runs apart from the scorer and
 * needs no model in memory.
 *
 * <p>A score is paired with the accuracy of the version that scored it. When that version's update is no longer known
 * (the topic is compacted by model name, so a restarted monitor sees only the latest version and later ones), the
 * closest earlier version's accuracy stands in; before any version of the model, it is NaN and the overoptimization
 * detector waits.
 */
public final class HoldoutAccuracies {

  static final String PAIRWISE_ACCURACY = "pairwise_accuracy";
  /** Versions remembered per model: far more than a policy's lifetime spans, bounded so memory is. */
  static final int VERSIONS_KEPT = 256;

  private final Map<String, NavigableMap<Long, Double>> byModel = new ConcurrentHashMap<>();

  public void update(ModelUpdate update) {
    Double accuracy = update.getMetrics().get(PAIRWISE_ACCURACY);
    if (accuracy == null) {
      return;
    }
    NavigableMap<Long, Double> versions = byModel.computeIfAbsent(update.getModelName(),
        name -> new ConcurrentSkipListMap<>());
    versions.put(update.getVersion(), accuracy);
    while (versions.size() > VERSIONS_KEPT) {
      versions.pollFirstEntry();
    }
  }

  /** The accuracy of {@code model} at {@code version}, or of its closest earlier version; NaN when none is known. */
  public double of(String model, long version) {
    NavigableMap<Long, Double> versions = byModel.get(model);
    if (versions == null) {
      return Double.NaN;
    }
    Map.Entry<Long, Double> known = versions.floorEntry(version);
    return known == null ? Double.NaN : known.getValue();
  }
}
