package dev.rewardstream.model;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.NormalizationStats;
import java.util.ArrayList;
import java.util.List;

/**
 * Standardizes an interaction's numeric state/action values and its environment reward with an environment's running
 * statistics. The feature job applies it with its live statistics and the scorer with the latest exported snapshot;
 * given the same snapshot both produce the same interaction, hence the same features. Missing values stay missing (the
 * featurizer flags them with a mask feature); dimensions without statistics pass through unchanged.
 */
public final class NumericNormalizer {

  /** Below this the spread is treated as zero: values are only centred, not scaled up. */
  private static final double MIN_STD = 1e-6;

  private final NormalizationStats stats;

  public NumericNormalizer(NormalizationStats stats) {
    this.stats = stats;
  }

  public NormalizationStats stats() {
    return stats;
  }

  /** Whether the interaction carries anything this normalizes: state, action or an environment reward. */
  public static boolean hasNumbers(Interaction interaction) {
    return interaction.getState() != null || interaction.getAction() != null || interaction.getEnvReward() != null;
  }

  /** The environment whose statistics apply; interactions that name none share "default". */
  public static String environmentOf(Interaction interaction) {
    return interaction.getEnvironment() == null ? "default" : interaction.getEnvironment();
  }

  public Interaction normalize(Interaction interaction) {
    if (!hasNumbers(interaction)) {
      return interaction;
    }
    // A shallow copy, field by field: Avro's builder deep-copies and validates every field, which was half the cost
    // of normalizing a step; the fields shared with the original are immutable or never modified.
    Interaction normalized = new Interaction();
    for (int field = 0; field < Interaction.SCHEMA$.getFields().size(); field++) {
      normalized.put(field, interaction.get(field));
    }
    normalized.setState(standardize(interaction.getState(), stats.getStateMean(), stats.getStateStd()));
    normalized.setAction(standardize(interaction.getAction(), stats.getActionMean(), stats.getActionStd()));
    if (interaction.getEnvReward() != null) {
      normalized.setEnvReward(reward(interaction.getEnvReward()));
    }
    return normalized;
  }

  public double reward(double raw) {
    return scale(raw, stats.getRewardMean(), stats.getRewardStd(), stats.getRewardCount());
  }

  /**
   * The state values standardized in place as {@link #normalize} standardizes them (NaN, a missing value, stays NaN):
   * for callers that featurize primitive vectors ({@link Featurizer#featurizeNumbers}) and must not allocate per step.
   * Null when {@code values} is.
   */
  public float[] standardizedState(float[] values) {
    return standardizeInPlace(values, stats.getStateMean(), stats.getStateStd());
  }

  /** As {@link #standardizedState}, for the action. */
  public float[] standardizedAction(float[] values) {
    return standardizeInPlace(values, stats.getActionMean(), stats.getActionStd());
  }

  private static float[] standardizeInPlace(float[] values, List<Double> mean, List<Double> std) {
    if (values == null) {
      return null;
    }
    for (int i = 0; i < values.length; i++) {
      if (!Float.isNaN(values[i])) {
        values[i] = standardized(values[i], i, mean, std);
      }
    }
    return values;
  }

  private static List<Float> standardize(List<Float> values, List<Double> mean, List<Double> std) {
    if (values == null) {
      return null;
    }
    List<Float> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      Float v = values.get(i);
      out.add(v == null ? null : standardized(v, i, mean, std));
    }
    return out;
  }

  /** Dimensions without statistics pass through unchanged. */
  private static float standardized(float v, int i, List<Double> mean, List<Double> std) {
    return i >= mean.size() ? v : (float) scale(v, mean.get(i), std.get(i), 2);
  }

  private static double scale(double x, double mean, double std, long count) {
    if (count == 0) {
      return x;
    }
    return std > MIN_STD ? (x - mean) / std : x - mean;
  }
}
