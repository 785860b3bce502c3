package dev.rewardstream.ops;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.scorer.ScorerConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The scorer's settings, for every command that runs one ({@code scorer}, {@code up}, {@code demo}). */
final class ScorerCliOptions {

  private static final ScorerConfig DEFAULTS = ScorerConfig.defaults();

  @Option(names = "--max-text-chars", paramLabel = "CHARS",
      description = "Longest prompt or response accepted; longer ones are dead-lettered (the feature job's bound too, "
          + "where it runs in the same command) (default: ${DEFAULT-VALUE}).")
  int maxTextChars = DEFAULTS.maxTextChars();

  @Option(names = "--retained-outputs", paramLabel = "N",
      description = "Recent interactions each scorer task keeps to rescore when a version lands "
          + "(default: ${DEFAULT-VALUE}).")
  int retainedOutputs = DEFAULTS.retainedOutputs();

  @Option(names = "--rescore-check-interval-ms", paramLabel = "MS",
      description = "How often each scorer task looks for a newer live version (default: ${DEFAULT-VALUE}).")
  long rescoreCheckIntervalMs = DEFAULTS.rescoreCheckInterval().toMillis();

  @Option(names = "--uncertainty-penalty", paramLabel = "K",
      description = "k of the pessimistic (mean − k·std) and optimistic (mean + k·std) rewards "
          + "(default: ${DEFAULT-VALUE}).")
  double uncertaintyPenalty = DEFAULTS.uncertaintyPenalty();

  @Option(names = "--discount", paramLabel = "GAMMA",
      description = "γ of the discounted return of trajectory steps (default: ${DEFAULT-VALUE}).")
  double discount = DEFAULTS.discount();

  @Option(names = "--max-trajectories", paramLabel = "N",
      description = "Most candidate trajectories one POST /v1/trajectories request may carry "
          + "(default: ${DEFAULT-VALUE}).")
  int maxTrajectories = DEFAULTS.maxTrajectories();

  @Option(names = "--bad-step-threshold", paramLabel = "T",
      description = "With --step-separator: a step whose own reward is below −T is judged bad; a score names the "
          + "first such step (default: ${DEFAULT-VALUE}, half-way from a neutral to a bad step on PRM800K's scale).")
  double badStepThreshold = DEFAULTS.badStepThreshold();

  ScorerConfig toConfig(FeatureSpec spec) {
    if (maxTextChars < 1) {
      throw new IllegalArgumentException("--max-text-chars must be at least 1, got " + maxTextChars);
    }
    if (retainedOutputs < 0) {
      throw new IllegalArgumentException("--retained-outputs must be at least 0, got " + retainedOutputs);
    }
    if (rescoreCheckIntervalMs < 1) {
      throw new IllegalArgumentException("--rescore-check-interval-ms must be at least 1, got "
          + rescoreCheckIntervalMs);
    }
    if (!(uncertaintyPenalty >= 0) || !Double.isFinite(uncertaintyPenalty)) {
      throw new IllegalArgumentException("--uncertainty-penalty must be ≥ 0, got " + uncertaintyPenalty);
    }
    if (!(discount > 0 && discount <= 1)) {
      throw new IllegalArgumentException("--discount must be in (0, 1], got " + discount);
    }
    if (maxTrajectories < 1) {
      throw new IllegalArgumentException("--max-trajectories must be at least 1, got " + maxTrajectories);
    }
    if (!(badStepThreshold >= 0) || !Double.isFinite(badStepThreshold)) {
      throw new IllegalArgumentException("--bad-step-threshold must be ≥ 0, got " + badStepThreshold);
    }
    return new ScorerConfig(DEFAULTS.modelName(), spec, maxTextChars, retainedOutputs,
        Duration.ofMillis(rescoreCheckIntervalMs), uncertaintyPenalty, discount, maxTrajectories, badStepThreshold);
  }
}
