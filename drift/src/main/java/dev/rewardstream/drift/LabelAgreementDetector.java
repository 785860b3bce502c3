package dev.rewardstream.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * The labels on a scope's outputs stop following the reward model: its label accuracy on the scope, as the trainer
 * published it, fell below the reference accuracy by at least {@code minDrop} and by three standard errors of the
 * difference. This is what a change of preferences looks like from inside the system (the labelers now want something
 * else, and the model has not relearned it yet); the reward detectors cannot see it, since the rewards are normalized
 * per model version and move only once the model has relearned.
 *
 * <p>The reference is the best accuracy the model reached on the scope, measured on at least twice {@code minPairs}
 * pairs (the model is still learning when the scope starts: its first accuracy would hide a later fall); the current
 * one needs {@code minPairs}. It resolves once the model agrees with the labels again.
 */
public final class LabelAgreementDetector implements DriftDetector {

  private static final double STANDARD_ERRORS = 3;

  private final double minDrop;
  private final int minPairs;
  private final int evaluateEvery;
  private long observations;
  private double referenceAccuracy = Double.NaN;
  private int referencePairs;

  public LabelAgreementDetector(DriftConfig config) {
    this(config.labelAccuracyDrop(), config.labelMinPairs(), config.evaluateEvery());
  }

  private LabelAgreementDetector(double minDrop, int minPairs, int evaluateEvery) {
    this.minDrop = minDrop;
    this.minPairs = minPairs;
    this.evaluateEvery = evaluateEvery;
  }

  @Override
  public Verdict observe(Observation observation) {
    observations++;
    LabelAgreement labels = observation.labels();
    if (Double.isNaN(labels.accuracy())) {
      return Verdict.PENDING;
    }
    if (labels.pairs() >= 2 * minPairs && !(labels.accuracy() <= referenceAccuracy)) {
      referenceAccuracy = labels.accuracy();
      referencePairs = labels.pairs();
    }
    if (Double.isNaN(referenceAccuracy)) {
      return Verdict.PENDING;
    }
    if (observations % evaluateEvery != 0 || labels.pairs() < minPairs) {
      return Verdict.PENDING;
    }
    double drop = referenceAccuracy - labels.accuracy();
    double se = Math.hypot(LabelAgreement.standardError(referencePairs), LabelAgreement.standardError(labels.pairs()));
    double threshold = Math.max(minDrop, STANDARD_ERRORS * se);
    return Verdict.of(drop >= threshold, drop, threshold, "label accuracy " + fmt(referenceAccuracy) + " over "
        + referencePairs + " pairs", "label accuracy " + fmt(labels.accuracy()) + " over " + labels.pairs() + " pairs",
        String.format(Locale.ROOT, "the reward model orders %.1f%% of the latest %d labelled pairs as the labelers "
            + "did, down from its best %.1f%% (threshold: a drop of %.1f points): preferences may have changed, the model is "
            + "relearning", 100 * labels.accuracy(), labels.pairs(), 100 * referenceAccuracy, 100 * threshold));
  }

  private static String fmt(double accuracy) {
    return String.format(Locale.ROOT, "%.3f", accuracy);
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(minDrop);
    out.writeInt(minPairs);
    out.writeInt(evaluateEvery);
    out.writeLong(observations);
    out.writeDouble(referenceAccuracy);
    out.writeInt(referencePairs);
  }

  static LabelAgreementDetector readFrom(DataInput in) throws IOException {
    LabelAgreementDetector detector = new LabelAgreementDetector(in.readDouble(), in.readInt(), in.readInt());
    detector.observations = in.readLong();
    detector.referenceAccuracy = in.readDouble();
    detector.referencePairs = in.readInt();
    return detector;
  }
}
