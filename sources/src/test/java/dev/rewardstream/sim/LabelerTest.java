package dev.rewardstream.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelerTest {

  @ParameterizedTest
  @CsvSource({"0.5, 0.0", "1.0, 0.0", "0.3, 0.2"})
  void shouldMatchTheBayesOptimalFormulaWithTheAccuracyOfTheTrueOrderOnDrawnLabels(double temperature, double noise) {
    // Given reward pairs like the text world's and a labeler drawing from them
    Labeler labeler = new Labeler(temperature, noise, 0, 42);
    Random rewards = new Random(7);
    int n = 200_000;
    double formula = 0;
    int trueOrderAgrees = 0;

    // When the Bayes-optimal predictor (the true order) is scored against the drawn labels
    for (int i = 0; i < n; i++) {
      double a = rewards.nextGaussian();
      double b = rewards.nextGaussian();
      formula += labeler.bayesOptimalAccuracy(a, b);
      trueOrderAgrees += labeler.prefersA(a, b) == (a > b) ? 1 : 0;
    }
    formula /= n;
    double monteCarlo = (double) trueOrderAgrees / n;

    // Then E[max(p, 1 - p)] equals its Monte-Carlo estimate within 4 standard errors
    double standardError = Math.sqrt(formula * (1 - formula) / n);
    assertThat(monteCarlo).isCloseTo(formula, within(4 * standardError));
    assertThat(formula).isBetween(0.5, 1.0);
  }

  @ParameterizedTest
  @CsvSource({"0.5, 0.1"})
  void shouldLabelTiesOnlyInsideTheMargin(double temperature, double margin) {
    Labeler labeler = new Labeler(temperature, 0, margin, 1);
    assertThat(labeler.label(1.0, 1.05)).isEqualTo(dev.rewardstream.schema.PreferenceOutcome.TIE);
    assertThat(labeler.label(1.0, 3.0)).isNotEqualTo(dev.rewardstream.schema.PreferenceOutcome.TIE);
  }
}
