package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The losses against values computed by hand. */
class PreferenceLossTest {

  private static final double LOG1P_EXP_MINUS_1 = Math.log1p(Math.exp(-1)); // −log σ(1) = 0.3132617
  private final PreferenceLoss loss = new PreferenceLoss();

  @Test
  void shouldBeTheNegativeLogLikelihoodOfThePreferredSide() {
    assertThat(pairLoss(new float[] {1}, new float[] {0}, new float[] {1}, new float[] {1}, new float[] {0}))
        .isCloseTo(LOG1P_EXP_MINUS_1, within(1e-6));
    assertThat(pairLoss(new float[] {1}, new float[] {0}, new float[] {0}, new float[] {1}, new float[] {0}))
        .isCloseTo(1 + LOG1P_EXP_MINUS_1, within(1e-6)); // −log σ(−1) = 1 + log(1 + e^−1)
  }

  @Test
  void shouldPullTiedRewardsTogether() {
    double tie = pairLoss(new float[] {1}, new float[] {0}, new float[] {0.5f}, new float[] {1}, new float[] {0});
    assertThat(tie).isCloseTo(0.5 * LOG1P_EXP_MINUS_1 + 0.5 * (1 + LOG1P_EXP_MINUS_1), within(1e-6));
    double tieWhenEqual = pairLoss(new float[] {0}, new float[] {0}, new float[] {0.5f}, new float[] {1},
        new float[] {0});
    assertThat(tieWhenEqual).isCloseTo(Math.log(2), within(1e-6)).isLessThan(tie);
  }

  @Test
  void shouldDemandTheMarginAndWeighExamples() {
    assertThat(pairLoss(new float[] {1}, new float[] {0}, new float[] {1}, new float[] {1}, new float[] {0.5f}))
        .isCloseTo(Math.log1p(Math.exp(-0.5)), within(1e-6));
    double weighted = pairLoss(new float[] {1, 1}, new float[] {0, 0}, new float[] {1, 0}, new float[] {1, 3},
        new float[] {0, 0});
    assertThat(weighted).isCloseTo((LOG1P_EXP_MINUS_1 + 3 * (1 + LOG1P_EXP_MINUS_1)) / 4, within(1e-6));
  }

  @Test
  void shouldStayFiniteForLargeRewardGaps() {
    assertThat(pairLoss(new float[] {100}, new float[] {-100}, new float[] {0}, new float[] {1}, new float[] {0}))
        .isCloseTo(200, within(1e-3));
  }

  @Test
  void shouldComputeWeightedSquaredError() {
    try (NDManager m = NDManager.newBaseManager()) {
      double mse = new RegressionLoss().evaluate(
          new NDList(m.create(new float[] {1, 2}), m.create(new float[] {1, 1})),
          new NDList(m.create(new float[] {0, 4}))).getFloat();
      assertThat(mse).isCloseTo((1 + 4) / 2.0, within(1e-6));
    }
  }

  private double pairLoss(float[] a, float[] b, float[] target, float[] weight, float[] margin) {
    try (NDManager m = NDManager.newBaseManager()) {
      return loss.evaluate(new NDList(m.create(target), m.create(weight), m.create(margin)),
          new NDList(m.create(a), m.create(b))).getFloat();
    }
  }
}
