package dev.rewardstream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.schema.ModelUpdate;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HoldoutAccuraciesTest {

  private final HoldoutAccuracies accuracies = new HoldoutAccuracies();

  @Test
  void shouldAnswerWithTheScoringVersionsAccuracyOrTheClosestEarlierOne() {
    accuracies.update(update("reward", 3, 0.70));
    accuracies.update(update("reward", 5, 0.65));

    assertThat(accuracies.of("reward", 3)).isEqualTo(0.70);
    assertThat(accuracies.of("reward", 4)).as("v4's update compacted away: v3 stands in").isEqualTo(0.70);
    assertThat(accuracies.of("reward", 9)).isEqualTo(0.65);
    assertThat(accuracies.of("reward", 2)).as("before any known version").isNaN();
    assertThat(accuracies.of("other-model", 5)).isNaN();
  }

  @Test
  void shouldIgnoreUpdatesWithoutAnAccuracyAndForgetTheOldestVersionsBeyondTheBound() {
    accuracies.update(ModelUpdate.newBuilder(update("reward", 1, 0.9)).setMetrics(Map.of()).build());
    assertThat(accuracies.of("reward", 1)).isNaN();

    for (int version = 1; version <= HoldoutAccuracies.VERSIONS_KEPT + 10; version++) {
      accuracies.update(update("reward", version, version / 1000.0));
    }

    assertThat(accuracies.of("reward", 5)).as("forgotten, and nothing earlier is known").isNaN();
    assertThat(accuracies.of("reward", HoldoutAccuracies.VERSIONS_KEPT + 10))
        .isEqualTo((HoldoutAccuracies.VERSIONS_KEPT + 10) / 1000.0);
  }

  private static ModelUpdate update(String model, long version, double accuracy) {
    return ModelUpdate.newBuilder().setModelName(model).setVersion(version).setCreatedAt(Instant.EPOCH)
        .setArtifactUri("file:/unused").setSha256("0".repeat(64)).setFeatureSpec("unused").setArchitecture("unused")
        .setRewardMean(0).setRewardStd(1).setExamplesTrained(0)
        .setMetrics(Map.of(HoldoutAccuracies.PAIRWISE_ACCURACY, accuracy)).build();
  }
}
