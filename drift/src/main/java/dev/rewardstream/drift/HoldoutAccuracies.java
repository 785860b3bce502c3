package dev.rewardstream.drift;

import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.AttributeWeight;
import dev.rewardstream.schema.ModelUpdate;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The holdout pairwise accuracy of each published model version, and its agreement with the labels per scope
 * ({@link LabelAgreement}), from the model-updates topic's metrics. The drift
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
  /** Per model and version, each scope's label agreement, parsed once from the update rather than on every score. */
  private final Map<String, NavigableMap<Long, Map<String, LabelAgreement>>> labelsByModel = new ConcurrentHashMap<>();
  private final Map<String, NavigableMap<Long, Long>> examplesByModel = new ConcurrentHashMap<>();
  /** Per model and version, each attribute head's reference mean and std: {attribute → [mean, std]}. */
  private final Map<String, NavigableMap<Long, Map<String, double[]>>> scalesByModel = new ConcurrentHashMap<>();

  public void update(ModelUpdate update) {
    keep(examplesByModel.computeIfAbsent(update.getModelName(), name -> new ConcurrentSkipListMap<>()),
        update.getVersion(), update.getExamplesTrained());
    Map<String, Double> metrics = update.getMetrics();
    Map<String, LabelAgreement> perScope = new java.util.HashMap<>();
    metrics.forEach((key, pairs) -> {
      if (key.startsWith(VersionMetrics.LABEL_PAIRS)) {
        String scope = key.substring(VersionMetrics.LABEL_PAIRS.length());
        perScope.put(scope, new LabelAgreement(pairs.intValue(),
            metrics.getOrDefault(VersionMetrics.LABEL_ACCURACY + scope, Double.NaN),
            metrics.getOrDefault(VersionMetrics.LABEL_CROSS_PAIRS + scope, 0.0).intValue(),
            metrics.getOrDefault(VersionMetrics.LABEL_OVERRATING + scope, Double.NaN)));
      }
    });
    Map<String, double[]> scales = new java.util.HashMap<>();
    for (AttributeWeight attribute : update.getAttributes()) {
      Double mean = metrics.get(VersionMetrics.ofAttribute(VersionMetrics.REWARD_MEAN, attribute.getName()));
      Double std = metrics.get(VersionMetrics.ofAttribute(VersionMetrics.REWARD_STD, attribute.getName()));
      if (mean != null && std != null) {
        scales.put(attribute.getName(), new double[] {mean, std});
      }
    }
    if (!scales.isEmpty()) {
      keep(scalesByModel.computeIfAbsent(update.getModelName(), name -> new ConcurrentSkipListMap<>()),
          update.getVersion(), scales);
    }
    if (!perScope.isEmpty()) {
      keep(labelsByModel.computeIfAbsent(update.getModelName(), name -> new ConcurrentSkipListMap<>()),
          update.getVersion(), perScope);
    }
    Double accuracy = update.getMetrics().get(PAIRWISE_ACCURACY);
    if (accuracy != null) {
      keep(byModel.computeIfAbsent(update.getModelName(), name -> new ConcurrentSkipListMap<>()),
          update.getVersion(), accuracy);
    }
  }

  private static <V> void keep(NavigableMap<Long, V> versions, long version, V value) {
    versions.put(version, value);
    while (versions.size() > VERSIONS_KEPT) {
      versions.pollFirstEntry();
    }
  }

  /**
   * The labels the model at {@code version} had learned from; -1 when that version is not known (a restarted monitor
   * sees only the latest versions of a compacted topic: an older one is long settled).
   */
  public long examplesTrained(String model, long version) {
    NavigableMap<Long, Long> versions = examplesByModel.get(model);
    Long known = versions == null ? null : versions.get(version);
    return known == null ? -1 : known;
  }

  /**
   * How the model at {@code version} (or its closest earlier version that published label agreement) agreed with the
   * labels on {@code scope}'s outputs; {@link LabelAgreement#UNKNOWN} when nothing is known.
   */
  public LabelAgreement labels(String model, long version, String scope) {
    NavigableMap<Long, Map<String, LabelAgreement>> versions = labelsByModel.get(model);
    Map.Entry<Long, Map<String, LabelAgreement>> known = versions == null ? null : versions.floorEntry(version);
    return known == null ? LabelAgreement.UNKNOWN : known.getValue().getOrDefault(scope, LabelAgreement.UNKNOWN);
  }

  /**
   * An attribute head's reward on the scale of its version's reference sample, (raw − mean) / std, as the served
   * reward is normalized; the raw reward when that version's scale is not known.
   */
  public double normalizeAttribute(String model, long version, String attribute, double raw) {
    NavigableMap<Long, Map<String, double[]>> versions = scalesByModel.get(model);
    Map<String, double[]> known = versions == null ? null : versions.get(version);
    double[] scale = known == null ? null : known.get(attribute);
    if (scale == null) {
      return raw;
    }
    return scale[1] > 1e-12 ? (raw - scale[0]) / scale[1] : raw - scale[0];
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
