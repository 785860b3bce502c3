package dev.rewardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End-to-end latency of the feature job: preference produced (its event time is the send time) → the training
 * example visible to a read_committed consumer, at a steady input rate, for a few checkpoint intervals. Exactly-once
 * makes an example visible only when the checkpoint that covers it completes, so the interval is the main cost.
 * Run: {@code mvn -B -pl stream-jobs -am test -Dgroups=bench -Dbench.excluded=none -Dtest=FeatureJobLatencyBench
 * -Dsurefire.failIfNoSpecifiedTests=false}; figures go to standard output (target/surefire-reports/*-output.txt).
 * That every example arrives, once, is {@link FeatureJobCompletenessTest}'s, in the default run.
 */
@Tag("bench")
class FeatureJobLatencyBench {

  private static final int PAIRS_PER_SECOND = 50;
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {250, 500, 1000, 2000})
  void measureLatencyAtASteadyRate(int checkpointMs) throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"))) {
      SteadyPreferenceRun run = SteadyPreferenceRun.run(infra, dir.resolve("checkpoints"),
          Duration.ofMillis(checkpointMs), PAIRS_PER_SECOND, RUN);
      List<Long> sorted = new ArrayList<>(run.latenciesMillis());
      Collections.sort(sorted);
      System.out.printf("feature job latency, checkpoint %d ms, %d pairs/s, %d examples: p50 %d ms, p95 %d ms, "
              + "p99 %d ms, max %d ms%n", checkpointMs, PAIRS_PER_SECOND, sorted.size(), percentile(sorted, 50),
          percentile(sorted, 95), percentile(sorted, 99), sorted.get(sorted.size() - 1));
      assertThat(sorted).hasSize(run.sent());
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
