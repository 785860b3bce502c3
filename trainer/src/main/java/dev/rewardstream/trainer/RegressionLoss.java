package dev.rewardstream.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Pointwise reward regression, weighted mean squared error: predictions {@code (r)}, labels {@code (target, weight)}.
 */
public final class RegressionLoss extends Loss {

  public RegressionLoss() {
    super("reward_mse");
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray error = predictions.get(0).sub(labels.get(0));
    NDArray weight = labels.get(1);
    return error.square().mul(weight).sum().div(weight.sum().maximum(1e-8f));
  }
}
