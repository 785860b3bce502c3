package dev.rewardstream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The detectors that read the trainer's label agreement per scope: reward hacking and changed preferences. */
class LabelDetectorsTest {

  private static final DriftConfig CONFIG = DriftConfig.defaults().withWindows(200, 200, 20);

  @Test
  void shouldFlagRewardHackingOnlyWhenTheRewardRisesAndTheLabelsDoNotFollow() {
    assertThat(firstDrift(new RewardHackingDetector(CONFIG), 1.0, new LabelAgreement(200, 0.6, 180, 0.25)))
        .as("score up, labels overrate the scope").isBetween(200, 600);
    assertThat(firstDrift(new RewardHackingDetector(CONFIG), 1.0, new LabelAgreement(200, 0.8, 180, 0.01)))
        .as("score up and earned: the labelers agree").isEqualTo(-1);
    assertThat(firstDrift(new RewardHackingDetector(CONFIG), 0.0, new LabelAgreement(200, 0.6, 180, 0.25)))
        .as("overrated but not climbing").isEqualTo(-1);
    assertThat(firstDrift(new RewardHackingDetector(CONFIG), 1.0, new LabelAgreement(30, 0.6, 30, 0.25)))
        .as("too few labels to tell").isEqualTo(-1);
  }

  @Test
  void shouldAskForMoreThanTheNoiseOfAFewPairs() {
    // 60 pairs: two standard errors are 0.13, above the configured 0.1
    assertThat(firstDrift(new RewardHackingDetector(CONFIG), 1.0, new LabelAgreement(60, 0.6, 60, 0.12)))
        .isEqualTo(-1);
    assertThat(firstDrift(new RewardHackingDetector(CONFIG), 1.0, new LabelAgreement(60, 0.6, 60, 0.25)))
        .isPositive();
  }

  @Test
  void shouldFlagAFallOfLabelAccuracyAndClearWhenItRecovers() {
    LabelAgreementDetector detector = new LabelAgreementDetector(CONFIG);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 500; i++) {
      Verdict verdict = detector.observe(labelled(random, new LabelAgreement(200, 0.80 + 0.02 * (i % 3 - 1), 0, 0)));
      assertThat(verdict.state()).as("stationary at 0.8, observation %d", i).isNotEqualTo(Verdict.State.DRIFT);
    }
    Verdict changed = Verdict.PENDING;
    for (int i = 0; i < 100 && changed.state() != Verdict.State.DRIFT; i++) {
      changed = detector.observe(labelled(random, new LabelAgreement(200, 0.52, 0, 0)));
    }
    assertThat(changed.state()).isEqualTo(Verdict.State.DRIFT);
    assertThat(changed.detail()).contains("52.0% of the latest 200 labelled pairs", "down from");
    Verdict recovered = Verdict.PENDING;
    for (int i = 0; i < 100 && recovered.state() == Verdict.State.PENDING; i++) {
      recovered = detector.observe(labelled(random, new LabelAgreement(200, 0.79, 0, 0)));
    }
    assertThat(recovered.state()).isEqualTo(Verdict.State.CLEAR);
  }

  /** The observation at which {@code detector} first reports drift, or -1 within 1,000 observations. */
  private static int firstDrift(DriftDetector detector, double rise, LabelAgreement labels) {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 1_000; i++) {
      double shift = i < 200 ? 0 : rise;
      Observation observation = new Observation(StandardNormal.next(random) + shift, 0.1, 40, 0.8)
          .withLabels(labels);
      if (detector.observe(observation).state() == Verdict.State.DRIFT) {
        return i;
      }
    }
    return -1;
  }

  private static Observation labelled(SplittableRandom random, LabelAgreement labels) {
    return new Observation(StandardNormal.next(random), 0.1, 40, 0.8).withLabels(labels);
  }
}
