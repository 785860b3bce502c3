package dev.rewardstream.ops;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.scorer.pairs.PairSuggestionConfig;
import picocli.CommandLine.Option;

/** The pair-suggestion application's settings, for {@code scorer}, {@code up} and {@code demo}. */
final class PairSuggestionCliOptions {

  private static final PairSuggestionConfig DEFAULTS = PairSuggestionConfig.defaults();

  @Option(names = "--pair-candidates-per-prompt", paramLabel = "N", description = "Recent outputs per prompt a new "
      + "output is compared with for pair suggestions (default: ${DEFAULT-VALUE}).")
  int candidatesPerPrompt = DEFAULTS.candidatesPerPrompt();

  @Option(names = "--pair-min-information", paramLabel = "NATS", description = "A pair is suggested only if a label "
      + "on it would teach at least this much (default: ${DEFAULT-VALUE}).")
  double minInformation = DEFAULTS.minInformation();

  PairSuggestionConfig toConfig(FeatureSpec spec) {
    return new PairSuggestionConfig(DEFAULTS.modelName(), spec, candidatesPerPrompt, minInformation);
  }
}
