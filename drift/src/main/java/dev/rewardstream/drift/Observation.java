package dev.rewardstream.drift;

/**
 * What the detectors see of one scored output.
 *
 * @param reward the normalized reward (comparable across model versions, unlike the raw one)
 * @param uncertainty the ensemble standard deviation of the reward
 * @param responseLength response length in tokens, -1 when unknown
 * @param holdoutAccuracy the holdout pairwise accuracy of the version that scored it, NaN when unknown
 * @param sketch the input's {@link dev.rewardstream.model.InputSketch}, null when the score carries none
 * @param labels how that version agreed with the labels on the observation's scope
 */
public record Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy,
    float[] sketch, LabelAgreement labels) {

  /** Without an input sketch. */
  public Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy) {
    this(reward, uncertainty, responseLength, holdoutAccuracy, null, LabelAgreement.UNKNOWN);
  }

  public Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy,
      float[] sketch) {
    this(reward, uncertainty, responseLength, holdoutAccuracy, sketch, LabelAgreement.UNKNOWN);
  }

  /** The same observation seen from a scope with {@code labels}. */
  public Observation withLabels(LabelAgreement labels) {
    return new Observation(reward, uncertainty, responseLength, holdoutAccuracy, sketch, labels);
  }
}
