package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.drift.DetectorKind;
import dev.rewardstream.scorer.ScorerTopology;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Two applications write drift-alerts; a kind of alert (its {@code detector}) must belong to exactly one of them. */
class AlertOwnershipTest {

  @Test
  void shouldGiveEveryKindOfAlertOneWriter() {
    // Given the kinds the drift monitor raises and those the scorer writes
    var monitorKinds = Arrays.stream(DetectorKind.values()).map(DetectorKind::alertName).toList();

    // Then no kind is written by both, and each application's kinds are distinct
    assertThat(monitorKinds).doesNotHaveDuplicates().doesNotContainAnyElementsOf(ScorerTopology.ALERT_KINDS);
  }
}
