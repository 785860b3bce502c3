package dev.rewardstream.ops;

import dev.rewardstream.drift.DriftConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The drift monitor's settings, for every command that runs one ({@code scorer}, {@code up}, {@code demo}); the
 * defaults and why they were chosen are in {@link DriftConfig#defaults()}.
 */
final class DriftCliOptions {

  private static final DriftConfig DEFAULTS = DriftConfig.defaults();

  @Option(names = "--drift-quiet-period", paramLabel = "N", description = "Observations a scope's statistic must "
      + "stay below its threshold before a raised alert resolves (default: ${DEFAULT-VALUE}).")
  long quietPeriod = DEFAULTS.quietPeriod();

  @Option(names = "--drift-per-agent", negatable = true, fallbackValue = "true", description = "Also run every "
      + "detector per agent within a policy version, scope policy=V/agent=A (default: ${DEFAULT-VALUE}).")
  boolean perAgent = DEFAULTS.perAgent();

  @Option(names = "--drift-adwin-delta", paramLabel = "DELTA",
      description = "ADWIN confidence δ (default: ${DEFAULT-VALUE}).")
  double adwinDelta = DEFAULTS.adwinDelta();

  @Option(names = "--drift-ph-delta", paramLabel = "SIGMAS",
      description = "Page-Hinkley tolerated drift, in standard deviations (default: ${DEFAULT-VALUE}).")
  double phDelta = DEFAULTS.phDelta();

  @Option(names = "--drift-ph-lambda", paramLabel = "SIGMAS",
      description = "Page-Hinkley threshold, in standard deviations (default: ${DEFAULT-VALUE}).")
  double phLambda = DEFAULTS.phLambda();

  @Option(names = "--drift-ph-min-instances", paramLabel = "N",
      description = "Values before Page-Hinkley may signal (default: ${DEFAULT-VALUE}).")
  int phMinInstances = DEFAULTS.phMinInstances();

  @Option(names = "--drift-reference-size", paramLabel = "N", description = "Values in the frozen reference window "
      + "of the PSI, KS, uncertainty, length and overoptimization detectors (default: ${DEFAULT-VALUE}).")
  int referenceSize = DEFAULTS.referenceSize();

  @Option(names = "--drift-current-size", paramLabel = "N",
      description = "Values in their sliding current window (default: ${DEFAULT-VALUE}).")
  int currentSize = DEFAULTS.currentSize();

  @Option(names = "--drift-evaluate-every", paramLabel = "N",
      description = "Values between two comparisons of the windows (default: ${DEFAULT-VALUE}).")
  int evaluateEvery = DEFAULTS.evaluateEvery();

  @Option(names = "--drift-psi-bins", paramLabel = "N",
      description = "Reference-quantile bins of the PSI (default: ${DEFAULT-VALUE}).")
  int psiBins = DEFAULTS.psiBins();

  @Option(names = "--drift-psi-threshold", paramLabel = "PSI",
      description = "PSI beyond which the score distribution has shifted (default: ${DEFAULT-VALUE}).")
  double psiThreshold = DEFAULTS.psiThreshold();

  @Option(names = "--drift-ks-alpha", paramLabel = "ALPHA",
      description = "Significance of the two-sample KS test at each comparison (default: ${DEFAULT-VALUE}).")
  double ksAlpha = DEFAULTS.ksAlpha();

  @Option(names = "--drift-uncertainty-z", paramLabel = "Z", description = "z of the current mean uncertainty "
      + "against the reference beyond which it spikes (default: ${DEFAULT-VALUE}).")
  double uncertaintyZ = DEFAULTS.uncertaintyZ();

  @Option(names = "--drift-uncertainty-ratio", paramLabel = "RATIO", description = "...and the ratio of the two "
      + "means it must exceed as well (default: ${DEFAULT-VALUE}).")
  double uncertaintyRatio = DEFAULTS.uncertaintyRatio();

  @Option(names = "--drift-length-min-correlation", paramLabel = "R", description = "Reward/length correlation "
      + "of the current window that is suspicious on its own (default: ${DEFAULT-VALUE}).")
  double lengthMinCorrelation = DEFAULTS.lengthMinCorrelation();

  @Option(names = "--drift-length-min-rise", paramLabel = "R", description = "...and its rise over the reference "
      + "window's correlation (default: ${DEFAULT-VALUE}).")
  double lengthMinRise = DEFAULTS.lengthMinRise();

  @Option(names = "--drift-overopt-reward-rise", paramLabel = "SIGMAS", description = "Overoptimization: rise of the "
      + "mean reward over the reference, in its standard deviations (default: ${DEFAULT-VALUE}).")
  double overoptRewardRise = DEFAULTS.overoptRewardRise();

  @Option(names = "--drift-overopt-accuracy-drop", paramLabel = "SHARE", description = "...while the live model's "
      + "holdout pairwise accuracy fell by this much (default: ${DEFAULT-VALUE}).")
  double overoptAccuracyDrop = DEFAULTS.overoptAccuracyDrop();

  @Option(names = "--drift-hacking-window", paramLabel = "N", description = "Reward hacking: a policy's first and "
      + "latest rewards compared, this many of each (default: ${DEFAULT-VALUE}).")
  int hackingWindow = DEFAULTS.hackingWindow();

  @Option(names = "--drift-hacking-reward-rise", paramLabel = "SIGMAS", description = "Reward hacking: rise of a "
      + "policy's mean reward over its reference, in its standard deviations (default: ${DEFAULT-VALUE}).")
  double hackingRewardRise = DEFAULTS.hackingRewardRise();

  @Option(names = "--drift-hacking-min-overrating", paramLabel = "SHARE", description = "...while the model expects "
      + "that policy's outputs to win this much more often the model must expect a policy's outputs to win than its labelers chose them "
      + "(default: ${DEFAULT-VALUE}).")
  double hackingMinOverrating = DEFAULTS.hackingMinOverrating();

  @Option(names = "--drift-label-min-pairs", paramLabel = "N", description = "Labelled pairs of a policy the label "
      + "detectors (reward-hacking, label-agreement) need before they judge it (default: ${DEFAULT-VALUE}).")
  int labelMinPairs = DEFAULTS.labelMinPairs();

  @Option(names = "--drift-label-accuracy-drop", paramLabel = "SHARE", description = "Label agreement: fall of the "
      + "model's accuracy on a policy's labels below its reference that means preferences changed "
      + "(default: ${DEFAULT-VALUE}).")
  double labelAccuracyDrop = DEFAULTS.labelAccuracyDrop();

  @Option(names = "--drift-warmup-examples", paramLabel = "N", description = "Labels a model version must have "
      + "learned from before its scores feed the detectors that compare scores over time (default: ${DEFAULT-VALUE}).")
  long warmupExamples = DEFAULTS.warmupExamples();

  @Option(names = "--drift-scope-idle-hours", paramLabel = "HOURS", description = "A scope without observations for "
      + "this long (event time) is forgotten and its open alerts resolved (default: ${DEFAULT-VALUE}).")
  long scopeIdleHours = DEFAULTS.scopeIdleTtl().toHours();

  DriftConfig toConfig() {
    return new DriftConfig(quietPeriod, DEFAULTS.persistEvery(), perAgent, adwinDelta, DEFAULTS.adwinClock(), phDelta,
        phLambda, phMinInstances, referenceSize, currentSize, evaluateEvery, psiBins, psiThreshold, ksAlpha,
        uncertaintyZ, uncertaintyRatio, lengthMinCorrelation, lengthMinRise, overoptRewardRise, overoptAccuracyDrop,
        hackingWindow, hackingRewardRise, hackingMinOverrating, labelMinPairs, labelAccuracyDrop,
        warmupExamples, Duration.ofHours(scopeIdleHours));
  }
}
