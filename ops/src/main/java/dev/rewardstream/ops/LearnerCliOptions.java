package dev.rewardstream.ops;

import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.trainer.LearnerOptions;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the reward model learns, for every command that runs a trainer ({@code trainer}, {@code up}, {@code demo}). */
final class LearnerCliOptions {

  private static final LearnerOptions DEFAULTS = LearnerOptions.defaults();

  @Option(names = "--hidden", description = "Hidden units of each ensemble member; 0 = linear (default: 32).")
  Integer hidden;

  @Option(names = "--members", description = "Ensemble size: the spread of the members is the served uncertainty "
      + "(default: 3).")
  Integer members;

  @Option(names = "--learning-rate", description = "Adam learning rate (default: 0.005).")
  Float learningRate;

  @Option(names = "--source-weight", paramLabel = "SOURCE=WEIGHT",
      description = "Multiplier of the loss of examples labelled by SOURCE (HUMAN, AI, SYNTHETIC); repeatable, "
          + "e.g. --source-weight AI=0.5 (default: 1 each).")
  Map<LabelSource, Double> sourceWeights;

  LearnerOptions toOptions() {
    LearnerOptions options = DEFAULTS;
    if (hidden != null) {
      options = options.withHidden(requireAtLeast("--hidden", hidden, 0));
    }
    if (members != null) {
      options = options.withMembers(requireAtLeast("--members", members, 1));
    }
    if (learningRate != null) {
      if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
        throw new IllegalArgumentException("--learning-rate must be positive, got " + learningRate);
      }
      options = options.withLearningRate(learningRate);
    }
    if (sourceWeights != null) {
      sourceWeights.forEach((source, weight) -> {
        if (!(weight >= 0) || !Double.isFinite(weight)) {
          throw new IllegalArgumentException("--source-weight " + source + " must be ≥ 0, got " + weight);
        }
      });
      options = options.withSourceWeights(sourceWeights);
    }
    return options;
  }

  private static int requireAtLeast(String name, int value, int minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " must be ≥ " + minimum + ", got " + value);
    }
    return value;
  }
}
