package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PairInformationTest {

  @Test
  void shouldFindNothingToLearnWhereEveryMemberAgrees() {
    PairInformation equal = PairInformation.ofMembers(new float[] {0.3f, 0.3f, 0.3f}, new float[] {0.3f, 0.3f, 0.3f});
    PairInformation sure = PairInformation.ofMembers(new float[] {4, 4.1f, 3.9f}, new float[] {-4, -4, -4});

    assertThat(equal.probabilityA()).isCloseTo(0.5, within(1e-9));
    assertThat(equal.information()).isCloseTo(0, within(1e-12));
    assertThat(sure.probabilityA()).isGreaterThan(0.99);
    assertThat(sure.information()).isLessThan(1e-3);
  }

  @Test
  void shouldBeHighestWhereMembersDisagreeAboutTheOrder() {
    PairInformation disagree = PairInformation.ofMembers(new float[] {3, -3, 3, -3}, new float[] {0, 0, 0, 0});

    assertThat(disagree.probabilityA()).isCloseTo(0.5, within(1e-9));
    assertThat(disagree.marginStd()).isCloseTo(3, within(1e-9));
    // ln 2 minus the entropy of σ(3): the members are each fairly sure, of opposite orders.
    double h3 = -(sigmoid(3) * Math.log(sigmoid(3)) + sigmoid(-3) * Math.log(sigmoid(-3)));
    assertThat(disagree.information()).isCloseTo(Math.log(2) - h3, within(1e-9));
  }

  @Test
  void shouldAgreeWithTheMemberFormulaForAGaussianBelief() {
    // Many members drawn from N(0.5, 1.5²) against the quadrature.
    java.util.Random random = new java.util.Random(1);
    float[] a = new float[200_000];
    float[] b = new float[a.length];
    for (int j = 0; j < a.length; j++) {
      a[j] = (float) (0.5 + 1.5 * random.nextGaussian());
    }
    PairInformation sampled = PairInformation.ofMembers(a, b);
    PairInformation exact = PairInformation.ofGaussian(0.5, 1.5);

    assertThat(exact.information()).isCloseTo(sampled.information(), within(2e-3));
    assertThat(exact.probabilityA()).isCloseTo(sampled.probabilityA(), within(2e-3));
    assertThat(PairInformation.ofGaussian(0.5, 0).information()).isCloseTo(0, within(1e-12));
    assertThat(PairInformation.ofGaussian(0, 3).information())
        .isGreaterThan(PairInformation.ofGaussian(0, 1).information());
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
