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
 * @param modelExamples how many labels that version had learned from; -1 when unknown (a version too old for the
 *     monitor to know, long settled)
 */
public record Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy,
    float[] sketch, LabelAgreement labels, long modelExamples) {

  /** Without an input sketch. */
  public Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy) {
    this(reward, uncertainty, responseLength, holdoutAccuracy, null, LabelAgreement.UNKNOWN, -1);
  }

  public Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy,
      float[] sketch) {
    this(reward, uncertainty, responseLength, holdoutAccuracy, sketch, LabelAgreement.UNKNOWN, -1);
  }

  /** The same observation seen from a scope with {@code labels}. */
  public Observation withLabels(LabelAgreement labels) {
    return new Observation(reward, uncertainty, responseLength, holdoutAccuracy, sketch, labels, modelExamples);
  }

  /** The same observation, scored by a version that had learned from {@code examples} labels. */
  public Observation withModelExamples(long examples) {
    return new Observation(reward, uncertainty, responseLength, holdoutAccuracy, sketch, labels, examples);
  }
}
