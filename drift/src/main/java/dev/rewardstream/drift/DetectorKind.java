package dev.rewardstream.drift;

import dev.rewardstream.schema.Severity;
import java.io.DataInput;
import java.io.IOException;

/** Every detector the scorer runs on each scope: its alert name, severity, and how to create and restore it. */
public enum DetectorKind {
  ADWIN("adwin", Severity.WARNING),
  PAGE_HINKLEY("page-hinkley", Severity.WARNING),
  PSI("psi", Severity.WARNING),
  KS("ks", Severity.WARNING),
  UNCERTAINTY_SPIKE("uncertainty-spike", Severity.WARNING),
  FEATURE_SHIFT("feature-shift", Severity.WARNING),
  LENGTH_CORRELATION("length-correlation", Severity.CRITICAL),
  OVEROPTIMIZATION("overoptimization", Severity.CRITICAL),
  REWARD_HACKING("reward-hacking", Severity.CRITICAL),
  LABEL_AGREEMENT("label-agreement", Severity.WARNING);

  private final String alertName;
  private final Severity severity;

  DetectorKind(String alertName, Severity severity) {
    this.alertName = alertName;
    this.severity = severity;
  }

  /** The {@code detector} field of its alerts. */
  public String alertName() {
    return alertName;
  }

  /**
   * Mean and distribution changes may be legitimate (a policy learning); reward hacking signals mean the reward
   * itself is being gamed, which is worse.
   */
  public Severity severity() {
    return severity;
  }

  /**
   * Whether the detector compares the scores of a model over time, and so must wait until the model has learned
   * enough not to move them itself, and start again when it has learned much more; the label detectors judge the
   * model against the labels and run throughout.
   */
  public boolean comparesScoresOverTime() {
    return this != REWARD_HACKING && this != LABEL_AGREEMENT;
  }

  /**
   * Whether it also runs on each attribute head's rewards ({@code policy=v3/attribute=NAME}): the tests of a reward's
   * level and distribution, and its correlation with length (a verbosity bias shows in the head that rewards it).
   * The uncertainty, input and label detectors watch the outputs and the served model, which the policy scope covers.
   */
  public boolean watchesAttributes() {
    return switch (this) {
      case ADWIN, PAGE_HINKLEY, PSI, KS, LENGTH_CORRELATION -> true;
      default -> false;
    };
  }

  public DriftDetector create(DriftConfig config) {
    return switch (this) {
      case ADWIN -> new Adwin(config.adwinDelta(), config.adwinClock());
      case PAGE_HINKLEY -> new PageHinkley(config.phDelta(), config.phLambda(), config.phMinInstances());
      case PSI -> new ScoreShiftDetector(ScoreShiftDetector.Test.PSI, config);
      case KS -> new ScoreShiftDetector(ScoreShiftDetector.Test.KS, config);
      case UNCERTAINTY_SPIKE -> new UncertaintySpikeDetector(config);
      case FEATURE_SHIFT -> new FeatureShiftDetector(config);
      case LENGTH_CORRELATION -> new LengthCorrelationDetector(config);
      case OVEROPTIMIZATION -> new OveroptimizationDetector(config);
      case REWARD_HACKING -> new RewardHackingDetector(config);
      case LABEL_AGREEMENT -> new LabelAgreementDetector(config);
    };
  }

  public DriftDetector read(DataInput in) throws IOException {
    return switch (this) {
      case ADWIN -> Adwin.readFrom(in);
      case PAGE_HINKLEY -> PageHinkley.readFrom(in);
      case PSI -> ScoreShiftDetector.readFrom(ScoreShiftDetector.Test.PSI, in);
      case KS -> ScoreShiftDetector.readFrom(ScoreShiftDetector.Test.KS, in);
      case UNCERTAINTY_SPIKE -> UncertaintySpikeDetector.readFrom(in);
      case FEATURE_SHIFT -> FeatureShiftDetector.readFrom(in);
      case LENGTH_CORRELATION -> LengthCorrelationDetector.readFrom(in);
      case OVEROPTIMIZATION -> OveroptimizationDetector.readFrom(in);
      case REWARD_HACKING -> RewardHackingDetector.readFrom(in);
      case LABEL_AGREEMENT -> LabelAgreementDetector.readFrom(in);
    };
  }
}
