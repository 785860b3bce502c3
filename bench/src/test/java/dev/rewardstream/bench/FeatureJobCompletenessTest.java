package dev.rewardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once, end to end, at a steady rate: every preference becomes one training example, none twice, none lost,
 * whatever the checkpoint interval that commits them. It lives beside the feature-job latency scenario because it
 * checks that scenario's run: what the bench measures is first shown complete.
 */
class FeatureJobCompletenessTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {250, 1000})
  void shouldTurnEveryPreferenceIntoExactlyOneExample(int checkpointMs) throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"))) {
      // Given 5 s of preferences at up to 40 a second
      SteadyPreferenceRun run = SteadyPreferenceRun.run(infra, dir.resolve("checkpoints"),
          Duration.ofMillis(checkpointMs), 40, Duration.ofSeconds(5));

      // Then each one's example arrived, once
      assertThat(run.sent()).isPositive();
      assertThat(run.exampleIds()).containsExactlyInAnyOrderElementsOf(
          IntStream.range(0, run.sent()).mapToObj(i -> "p" + i).toList());
    }
  }
}
