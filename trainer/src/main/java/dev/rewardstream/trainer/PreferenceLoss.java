package dev.rewardstream.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Bradley-Terry pairwise loss with soft targets and an optional margin:
 * {@code −[t·log σ(rA − rB − m) + (1 − t)·log σ(rB − rA − m)]}, weighted per example and averaged by total weight.
 * t is P(A preferred): 1, 0, or 0.5 for a tie (a tie pulls the two rewards together instead of being dropped).
 *
 * <p>Predictions: {@code (rA, rB)}; labels: {@code (t, weight, margin)}, each of shape [batch].
 */
public final class PreferenceLoss extends Loss {

  public PreferenceLoss() {
    super("bradley_terry");
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray diff = predictions.get(0).sub(predictions.get(1));
    NDArray target = labels.get(0);
    NDArray weight = labels.get(1);
    NDArray margin = labels.get(2);
    NDArray perExample = target.mul(logSigmoid(diff.sub(margin)))
        .add(target.neg().add(1).mul(logSigmoid(diff.neg().sub(margin))))
        .neg();
    return perExample.mul(weight).sum().div(weight.sum().maximum(1e-8f));
  }

  /** log σ(x) computed stably: −softplus(−x) = min(x, 0) − log(1 + e^−|x|). */
  static NDArray logSigmoid(NDArray x) {
    return x.minimum(0f).sub(x.abs().neg().exp().add(1f).log());
  }
}
