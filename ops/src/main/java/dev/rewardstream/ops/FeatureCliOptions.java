package dev.rewardstream.ops;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.NumericFeatures;
import dev.rewardstream.model.TextEncoder;
import picocli.CommandLine.Option;

/**
 * How interactions become features, for every command that runs a featurizing service ({@code up}, {@code demo},
 * {@code trainer}, {@code scorer}): the feature job, the trainer and the scorer must agree, since a version trained on
 * one spec is refused by a scorer of another (its fingerprint).
 */
final class FeatureCliOptions {

  @Option(names = "--numeric-features", paramLabel = "MODE", description = "How state and action vectors become "
      + "features: unit (each vector scaled to unit length) or quadratic (values at their scale and their pairwise "
      + "products: rewards that depend on magnitudes, such as control costs, and planners scoring imagined actions) "
      + "(default: ${DEFAULT-VALUE}).")
  String numericFeatures = NumericFeatures.UNIT.label();

  @Option(names = "--text-encoder", paramLabel = "NAME", description = "A pretrained sentence encoder whose embedding "
      + "of the response (and of the final exchange) joins the hashed words, or none; 'rewardctl encoders' lists "
      + "those on the class path. About 10 ms of CPU per text for all-minilm-l6-v2-q (default: ${DEFAULT-VALUE}).")
  String textEncoder = TextEncoder.NONE;

  @Option(names = "--step-separator", paramLabel = "TEXT", description = "Process rewards: cut every response into "
      + "steps at TEXT (\\n and \\t for newline and tab, e.g. '\\n\\n'); each step gets its own reward, the response "
      + "the sum, and scores carry each prefix's reward and the first bad step (default: none, a response is one step).")
  String stepSeparator = "";

  FeatureSpec toSpec() {
    return FeatureSpec.of(numericFeatures, textEncoder, stepSeparator);
  }
}
