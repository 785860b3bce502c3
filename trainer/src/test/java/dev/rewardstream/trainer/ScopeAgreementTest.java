package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.ExampleOrigin;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.TrainingExample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopeAgreementTest {

  private static final ExampleOrigin HONEST = new ExampleOrigin("policy-1", "honest");
  private static final ExampleOrigin HACKER = new ExampleOrigin("policy-2", "hacker");

  @Test
  void shouldShowTheScopeTheModelOverratesAgainstItsLabels() {
    ScopeAgreement agreement = new ScopeAgreement();
    // The model gives the hacker's side 2 more reward (P(hacker wins) = 0.88); the labelers chose it 1 time in 4.
    for (int i = 0; i < 100; i++) {
      agreement.record(example(HACKER, HONEST, i % 4 == 0 ? 1 : 0), new double[] {2, 0});
    }
    Map<String, Double> metrics = agreement.metrics();

    assertThat(metrics.get(VersionMetrics.LABEL_OVERRATING + "policy=policy-2")).isCloseTo(0.88 - 0.25,
        within(0.01));
    assertThat(metrics.get(VersionMetrics.LABEL_OVERRATING + "policy=policy-2/agent=hacker")).isCloseTo(0.63,
        within(0.01));
    assertThat(metrics.get(VersionMetrics.LABEL_OVERRATING + "policy=policy-1")).isCloseTo(-0.63, within(0.01));
    assertThat(metrics.get(VersionMetrics.LABEL_ACCURACY + "policy=policy-2")).isEqualTo(0.25);
    assertThat(metrics.get(VersionMetrics.LABEL_PAIRS + "policy=policy-2")).isEqualTo(100.0);
    assertThat(metrics.get(VersionMetrics.LABEL_CROSS_PAIRS + "policy=policy-2")).isEqualTo(100.0);
  }

  @Test
  void shouldCountPairsWithinOneScopeForAccuracyButNotForOverrating() {
    ScopeAgreement agreement = new ScopeAgreement();
    for (int i = 0; i < 10; i++) {
      agreement.record(example(HONEST, new ExampleOrigin("policy-1", "other"), 1), new double[] {1, 0});
    }
    Map<String, Double> metrics = agreement.metrics();

    assertThat(metrics.get(VersionMetrics.LABEL_ACCURACY + "policy=policy-1")).isEqualTo(1.0);
    assertThat(metrics.get(VersionMetrics.LABEL_CROSS_PAIRS + "policy=policy-1")).isZero();
    assertThat(metrics).doesNotContainKey(VersionMetrics.LABEL_OVERRATING + "policy=policy-1");
    assertThat(metrics.get(VersionMetrics.LABEL_CROSS_PAIRS + "policy=policy-1/agent=honest")).isEqualTo(10.0);
  }

  @Test
  void shouldKeepOnlyTheLatestWindowOfPairs() {
    ScopeAgreement agreement = new ScopeAgreement();
    for (int i = 0; i < ScopeAgreement.WINDOW; i++) {
      agreement.record(example(HACKER, HONEST, 0), new double[] {1, 0});
    }
    for (int i = 0; i < ScopeAgreement.WINDOW; i++) {
      agreement.record(example(HACKER, HONEST, 1), new double[] {1, 0});
    }
    assertThat(agreement.metrics().get(VersionMetrics.LABEL_ACCURACY + "policy=policy-2")).isEqualTo(1.0);
  }

  private static TrainingExample example(ExampleOrigin a, ExampleOrigin b, float target) {
    return TrainingExample.newBuilder().setExampleId("e").setKind(ExampleKind.PAIRWISE).setFeatureSpec("spec")
        .setA(List.of()).setB(List.of()).setTarget(target).setSource(LabelSource.HUMAN).setEventTime(Instant.EPOCH)
        .setProducedAt(Instant.EPOCH).setAOrigin(a).setBOrigin(b).build();
  }
}
