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
 * @param modelSettled whether that version had learned from enough labels ({@code DriftConfig.warmupExamples}) for its
 *     scores to say more about the policy than about the model still being born
 */
public record Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy,
    float[] sketch, LabelAgreement labels, boolean modelSettled) {

  /** Without an input sketch. */
  public Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy) {
    this(reward, uncertainty, responseLength, holdoutAccuracy, null, LabelAgreement.UNKNOWN, true);
  }

  public Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy,
      float[] sketch) {
    this(reward, uncertainty, responseLength, holdoutAccuracy, sketch, LabelAgreement.UNKNOWN, true);
  }

  /** The same observation seen from a scope with {@code labels}. */
  public Observation withLabels(LabelAgreement labels) {
    return new Observation(reward, uncertainty, responseLength, holdoutAccuracy, sketch, labels, modelSettled);
  }

  /** The same observation, scored by a version still warming up. */
  public Observation unsettled() {
    return new Observation(reward, uncertainty, responseLength, holdoutAccuracy, sketch, labels, false);
  }
}
