package dev.rewardstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {

  @Test
  void shouldBeOneForTheSameOrderAndMinusOneForTheReverse() {
    float[] x = {1, 2, 3, 4};
    assertThat(RankCorrelation.spearman(x, new float[] {10, 20, 30, 40})).isCloseTo(1, within(1e-12));
    assertThat(RankCorrelation.spearman(x, new float[] {4, 3, 2, 1})).isCloseTo(-1, within(1e-12));
  }

  @Test
  void shouldMatchTheTextbookValueWithTies() {
    // ranks x: 1, 2.5, 2.5, 4; ranks y: 2, 1, 3, 4 → Pearson of ranks = 0.6325 (hand-computed)
    double rho = RankCorrelation.spearman(new float[] {1, 2, 2, 3}, new float[] {5, 4, 6, 7});
    assertThat(rho).isCloseTo(0.6325, within(1e-4));
  }
}
