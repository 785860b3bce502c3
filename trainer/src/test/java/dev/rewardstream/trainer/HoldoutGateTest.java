package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.schema.TrainingExample;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoldoutGateTest {

  private final List<TrainingExample> window = new SyntheticPreferences(new FeatureSpec(8, false), 1).pairs("h-", 200);

  @Test
  void shouldRefuseACandidateThatIsClearlyWorse() {
    double[][] live = ranked(window, 0, 180);
    double[][] candidate = ranked(window, 0, 120);

    HoldoutGate.Verdict verdict = HoldoutGate.decide(window, candidate, live, 0.02);

    assertThat(verdict.publish()).isFalse();
    assertThat(verdict.liveAccuracy()).isEqualTo(0.9);
    assertThat(verdict.candidateAccuracy()).isEqualTo(0.6);
    assertThat(verdict.z()).isGreaterThan(HoldoutGate.Z_95_ONE_SIDED);
  }

  @Test
  void shouldPublishWhenTheDifferenceIsWithinNoise() {
    double[][] live = ranked(window, 0, 150);
    double[][] candidate = ranked(window, 20, 164); // 20 pairs only live gets right, 14 only the candidate

    HoldoutGate.Verdict verdict = HoldoutGate.decide(window, candidate, live, 0.02);

    assertThat(verdict.liveAccuracy() - verdict.candidateAccuracy()).isGreaterThan(0.02);
    assertThat(verdict.publish()).as("%s", verdict).isTrue();
  }

  @Test
  void shouldPublishABetterCandidate() {
    assertThat(HoldoutGate.decide(window, ranked(window, 0, 190), ranked(window, 0, 100), 0.02).publish()).isTrue();
  }

  /** Side rewards that rank pairs [from, to) correctly and the rest wrongly. */
  private static double[][] ranked(List<TrainingExample> pairs, int from, int to) {
    double[][] rewards = new double[pairs.size()][];
    for (int i = 0; i < pairs.size(); i++) {
      boolean aPreferred = pairs.get(i).getTarget() > 0.5f;
      boolean correct = i >= from && i < to;
      rewards[i] = (aPreferred == correct) ? new double[] {1, 0} : new double[] {0, 1};
    }
    return rewards;
  }
}
