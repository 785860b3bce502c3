package dev.rewardstream.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * How numeric state and action values become features, as a command line names it ({@code --numeric-features}):
 * {@code unit} scales each vector to unit length (the default: direction only), {@code quadratic} keeps the values at
 * their scale and adds their pairwise products ({@link FeatureSpec#quadraticNumbers()}), for rewards that depend on
 * magnitudes, such as control costs, and for planners that must tell a small action from a large one.
 */
public enum NumericFeatures {
  UNIT, QUADRATIC;

  public static NumericFeatures named(String name) {
    for (NumericFeatures mode : values()) {
      if (mode.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException("--numeric-features must be one of " + Arrays.stream(values())
        .map(NumericFeatures::label).toList() + ", got '" + name + "'");
  }

  /** How {@code spec} featurizes numbers. */
  public static NumericFeatures of(FeatureSpec spec) {
    return spec.quadraticNumbers() ? QUADRATIC : UNIT;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code spec} with its numbers featurized this way. */
  public FeatureSpec applyTo(FeatureSpec spec) {
    return new FeatureSpec(spec.hashBits(), spec.bigrams(), spec.charNgrams(), spec.textEncoder(), this == QUADRATIC);
  }
}
