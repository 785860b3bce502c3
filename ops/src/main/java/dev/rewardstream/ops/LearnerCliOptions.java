package dev.rewardstream.ops;

import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.trainer.LearnerOptions;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the reward model learns, for every command that runs a trainer ({@code trainer}, {@code up}, {@code demo}). */
final class LearnerCliOptions {

  @Option(names = "--learner", paramLabel = "NAME", description = "online-linear (default): SGD, FTRL-Proximal and a "
      + "Bayesian logistic regression, one update per label, mixed by recent log-loss; network: an MLP or linear "
      + "ensemble trained by Adam on batches with replay (--hidden, --members, --learning-rate).")
  String learner;

  @Option(names = "--hidden", description = "Network only: hidden units of each ensemble member; 0 = linear "
      + "(default: 32).")
  Integer hidden;

  @Option(names = "--members", description = "Ensemble size: the spread of the members is the served uncertainty "
      + "(default: 8 posterior draws for online-linear, 3 for network).")
  Integer members;

  @Option(names = "--learning-rate", description = "Network only: Adam learning rate (default: 0.005).")
  Float learningRate;

  @Option(names = "--source-weight", paramLabel = "SOURCE=WEIGHT",
      description = "Multiplier of the loss of examples labelled by SOURCE (HUMAN, AI, SYNTHETIC); repeatable, "
          + "e.g. --source-weight AI=0.5 (default: 1 each).")
  Map<LabelSource, Double> sourceWeights;

  @Option(names = "--attributes", paramLabel = "NAME=WEIGHT,...",
      description = "One reward head per attribute, e.g. helpfulness=0.7,conciseness=0.3: each learns the preferences "
          + "naming its attribute and the ratings of it; the served reward is the weighted sum, and every score "
          + "carries each head's reward. Labels naming no attribute train the head 'overall'; labels of an attribute "
          + "without a head are dead-lettered (default: one head that learns every label).")
  String attributes;

  LearnerOptions toOptions() {
    LearnerOptions.Algorithm algorithm = learner == null ? LearnerOptions.defaults().algorithm()
        : LearnerOptions.Algorithm.named(learner);
    LearnerOptions options = algorithm == LearnerOptions.Algorithm.NETWORK ? LearnerOptions.network()
        : LearnerOptions.defaults();
    if (algorithm != LearnerOptions.Algorithm.NETWORK && (hidden != null || learningRate != null)) {
      throw new IllegalArgumentException((hidden != null ? "--hidden" : "--learning-rate")
          + " applies to --learner network only");
    }
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
    if (attributes != null) {
      options = options.withAttributes(RewardAttributes.parse(attributes));
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
