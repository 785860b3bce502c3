package dev.rewardstream.bench;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end latency of the feature job alone: preference produced (its event time is the send time) → its training
 * example visible to a read_committed consumer, at a steady rate, for several checkpoint intervals. Exactly-once makes
 * an example visible only when the checkpoint that covers it completes, so the interval is the main cost; its anchor,
 * computed here, is what a checkpoint alone costs on average: half the interval.
 */
final class FeatureJobLatencyBench implements BenchScenario {

  private static final int PAIRS_PER_SECOND = 50;

  @Override
  public String name() {
    return "feature-job-latency";
  }

  @Override
  public Result run(Context context) throws Exception {
    List<Integer> intervals = context.quick() ? List.of(1000) : List.of(250, 500, 1000, 2000);
    Duration runFor = Duration.ofSeconds(context.quick() ? 5 : 30);
    Map<String, Object> figures = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "The feature job on a MiniCluster (parallelism 2) "
        + "fed %d answer pairs and their preferences a second for %d s per checkpoint interval; latency from the "
        + "preference's send time until its example is visible to a read_committed consumer.%n%n"
        + "| checkpoint | examples / sent | p50 | p95 | p99 | max | anchor: interval / 2 |%n"
        + "|---|---|---|---|---|---|---|%n", PAIRS_PER_SECOND, runFor.toSeconds()));
    for (int intervalMs : intervals) {
      context.progress().accept("feature-job-latency: checkpoint interval " + intervalMs + " ms");
      Path dir = Files.createTempDirectory("rewardstream-bench-featurejob-");
      try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"))) {
        SteadyPreferenceRun run = SteadyPreferenceRun.run(infra, dir.resolve("checkpoints"),
            Duration.ofMillis(intervalMs), PAIRS_PER_SECOND, runFor);
        List<Double> seconds = run.latenciesMillis().stream().map(ms -> ms / 1000.0).toList();
        Map<String, Object> latency = Stats.latencySummary(seconds);
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("sent", run.sent());
        cell.put("examples", run.exampleIds().size());
        cell.put("distinct_examples", run.exampleIds().stream().distinct().count());
        cell.put("latency", latency);
        cell.put("anchor_half_interval_s", intervalMs / 2000.0);
        figures.put("checkpoint_" + intervalMs + "ms", cell);
        md.append(String.format(Locale.ROOT, "| %d ms | %d / %d | %.3f s | %.3f s | %.3f s | %.3f s | %.3f s |%n",
            intervalMs, run.exampleIds().size(), run.sent(), latency.get("p50_s"), latency.get("p95_s"),
            latency.get("p99_s"), latency.get("max_s"), intervalMs / 2000.0));
      } finally {
        FreshnessBench.deleteQuietly(dir);
      }
    }
    figures.put("pairs_per_s", PAIRS_PER_SECOND);
    figures.put("seconds_per_interval", runFor.toSeconds());
    md.append(String.format(Locale.ROOT, "%nEvery preference sent must arrive once (examples = sent, all distinct: "
        + "`FeatureJobCompletenessTest` checks the same run in the default suite).%n"));
    return Result.of(figures, md.toString());
  }
}
