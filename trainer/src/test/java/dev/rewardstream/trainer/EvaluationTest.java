package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.schema.TrainingExample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Holdout metrics against values computed by hand. */
class EvaluationTest {

  private final List<TrainingExample> pairs = new SyntheticPreferences(new FeatureSpec(8, false), 2).pairs("e-", 4);

  @Test
  void shouldComputeAccuracyLogLossAndCalibration() {
    // Every pair gets a reward gap of ln 3 toward one side: σ = 0.75 confidence; the first three are right.
    double gap = Math.log(3);
    double[][] sides = new double[4][];
    for (int i = 0; i < 4; i++) {
      boolean aPreferred = pairs.get(i).getTarget() > 0.5f;
      boolean right = i < 3;
      sides[i] = (aPreferred == right) ? new double[] {gap, 0} : new double[] {0, gap};
    }

    Evaluation evaluation = Evaluation.of(pairs, sides);

    assertThat(evaluation.pairwiseAccuracy()).isEqualTo(0.75);
    assertThat(evaluation.logLoss()).isCloseTo((3 * -Math.log(0.75) - Math.log(0.25)) / 4, within(1e-9));
    assertThat(evaluation.expectedCalibrationError()).as("confidence 0.75, accuracy 0.75: calibrated")
        .isCloseTo(0, within(1e-9));
    assertThat(evaluation.rewardMean()).isCloseTo(gap / 2, within(1e-9));
  }

  @Test
  void shouldReportOverconfidenceAsCalibrationError() {
    double[][] sides = new double[4][];
    for (int i = 0; i < 4; i++) {
      boolean aPreferred = pairs.get(i).getTarget() > 0.5f;
      boolean right = i < 2;
      sides[i] = (aPreferred == right) ? new double[] {10, 0} : new double[] {0, 10};
    }

    Evaluation evaluation = Evaluation.of(pairs, sides);

    assertThat(evaluation.expectedCalibrationError()).isCloseTo(1 / (1 + Math.exp(-10)) - 0.5, within(1e-9));
  }
}
