package dev.rewardstream.bench;

import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.LiveAccuracy;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Pacer;
import dev.rewardstream.sim.RecordSink;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Freshness on the embedded platform with default settings (checkpoint 1 s, publish interval 2 s): simulated text
 * pairs at 10 per second, and for each preference the time from handing it to the producer until the scorer first
 * serves a model version that was created after the preference's training example was produced.
 *
 * <p>"Created after the example was produced" stands in for "trained on it": the trainer drains everything it has
 * consumed before it publishes, but an example produced shortly before a version was created may only have become
 * visible (Flink commits examples at its next checkpoint) after that version: the figure can be optimistic by up to
 * one checkpoint interval for those examples. Versions the scorer never served (it can skip one when two land
 * together) are passed over to the next version it did serve.
 */
final class FreshnessBench implements BenchScenario {

  @Override
  public String name() {
    return "freshness";
  }

  @Override
  public Result run(Context context) throws Exception {
    double seconds = context.quick() ? 12 : 120;
    double rate = 10;
    Path dataDir = Files.createTempDirectory("rewardstream-bench-");
    PlatformConfig config = PlatformConfig.onFreePorts(dataDir);
    Map<String, Instant> sent = new ConcurrentHashMap<>();
    ConcurrentSkipListMap<Long, Instant> served = new ConcurrentSkipListMap<>();
    Map<String, Object> figures = new LinkedHashMap<>();
    LiveProbes liveCurve = null;
    context.progress().accept("freshness: starting the embedded platform");
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(config)) {
      figures.put("platform_startup_s", Stats.round(platform.startupTime().toMillis() / 1000.0));
      var infra = platform.infrastructure();
      Thread watcher = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          served.putIfAbsent(platform.liveScorerVersion(), Instant.now());
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "freshness-watcher");
      watcher.setDaemon(true);
      watcher.start();
      LiveAccuracy accuracy = new LiveAccuracy(infra.kafka(), infra.topics());
      Thread follower = new Thread(accuracy, "live-accuracy");
      follower.setDaemon(true);
      follower.start();
      try (KafkaRecordSink kafka = new KafkaRecordSink(infra.kafka(), infra.topics())) {
        RecordSink timed = RecordSink.observed(kafka, interaction -> { },
            preference -> sent.put(preference.getPreferenceId(), Instant.now()));
        ScenarioSimulator simulator = new ScenarioSimulator(
            ScenarioSimulator.Options.defaults(Scenario.STATIONARY, context.seed()).withAgents(true, false, false),
            new Labeler(0.5, context.seed()), timed, infra.topics().interactions.name(),
            infra.topics().preferences.name());
        LiveProbes probes = new LiveProbes(simulator.textWorld(), new Labeler(0.5, context.seed() + 1), kafka);
        Pacer pacer = new Pacer(rate);
        double nextReport = 5;
        double probeEvery = context.quick() ? 4 : 10;
        double nextProbe = probeEvery;
        while (pacer.elapsedSeconds() < seconds) {
          pacer.await();
          simulator.round(pacer.elapsedSeconds() / seconds);
          if (pacer.elapsedSeconds() >= nextProbe) {
            probes.measureAndSend(pacer.elapsedSeconds(), accuracy);
            nextProbe += probeEvery;
          }
          if (pacer.elapsedSeconds() >= nextReport) {
            kafka.flush();
            nextReport += 5;
            context.progress().accept(String.format(Locale.ROOT, "freshness: %3.0fs %d preferences sent, trained %d "
                    + "examples, scorer serves v%d", pacer.elapsedSeconds(), simulator.preferencesSent(),
                platform.trainerStatus().examplesTrained(), platform.liveScorerVersion()));
          }
        }
        kafka.flush();
        // Let the last preferences reach a served version: a few publish intervals.
        Thread.sleep(config.publishInterval().multipliedBy(4).plus(config.checkpointInterval().multipliedBy(2))
            .toMillis());
        probes.measureAndSend(seconds, accuracy);
        figures.put("live_accuracy_over_time", probes.series());
        liveCurve = probes;
      }
      accuracy.close();
      watcher.interrupt();
      List<TrainingExample> examples = TopicIO.readWithin(infra.bootstrapServers(), infra.topics().trainingExamples,
          Duration.ofSeconds(30), read -> read.size() >= sent.size());
      long lastServed = served.isEmpty() ? 0 : served.lastKey();
      List<ModelUpdate> updates = TopicIO.readWithin(infra.bootstrapServers(), infra.topics().modelUpdates,
          Duration.ofSeconds(10), read -> read.stream().anyMatch(u -> u.getVersion() >= lastServed));
      figures.putAll(measure(sent, served, examples, updates));
      figures.put("preferences_sent", sent.size());
      figures.put("rate_pairs_per_s", rate);
      figures.put("duration_s", seconds);
      figures.put("checkpoint_interval_ms", config.checkpointInterval().toMillis());
      figures.put("publish_interval_ms", config.publishInterval().toMillis());
      figures.put("versions_served", served.keySet().stream().filter(v -> v > 0).count());
      figures.put("trainer_failure", String.valueOf(platform.trainerStatus().failure()));
    } finally {
      deleteQuietly(dataDir);
    }
    figures.put("peak_rss_mib_after_platform", Stats.round(Stats.peakRssMib()));
    @SuppressWarnings("unchecked")
    Map<String, Object> total = (Map<String, Object>) figures.get("preference_to_served_model");
    @SuppressWarnings("unchecked")
    Map<String, Object> toExample = (Map<String, Object>) figures.get("preference_to_example");
    String md = String.format(Locale.ROOT, "Embedded platform, defaults (checkpoint %d ms, publish interval %d ms), "
            + "%.0f pairs/s for %.0f s.%n%n| interval | n | p50 | p95 | p99 | max |%n|---|---|---|---|---|---|%n"
            + "| preference sent → training example produced | %s |%n"
            + "| preference sent → scorer serves a version created after its example | %s |%n%n"
            + "Goal: p95 ≤ 5 s. Preferences whose example never reached a served version during the run: %s.%n",
        figures.get("checkpoint_interval_ms"), figures.get("publish_interval_ms"), rate, seconds, row(toExample),
        row(total), figures.get("not_served"));
    Result result = Result.of(figures, md + (liveCurve == null ? "" : liveCurve.markdown()));
    if (liveCurve != null && !liveCurve.series().isEmpty()) {
      result.plots().put("freshness-live-accuracy.svg", liveCurve.plot());
    }
    return result;
  }

  private static String row(Map<String, Object> summary) {
    return String.format(Locale.ROOT, "%s | %s s | %s s | %s s | %s s", summary.get("count"), summary.get("p50_s"),
        summary.get("p95_s"), summary.get("p99_s"), summary.get("max_s"));
  }

  static Map<String, Object> measure(Map<String, Instant> sent, ConcurrentSkipListMap<Long, Instant> served,
      List<TrainingExample> examples, List<ModelUpdate> updates) {
    List<ModelUpdate> byVersion = new ArrayList<>(updates);
    byVersion.sort(Comparator.comparingLong(ModelUpdate::getVersion));
    List<Double> toExample = new ArrayList<>();
    List<Double> toServed = new ArrayList<>();
    int notServed = 0;
    for (TrainingExample example : examples) {
      Instant sentAt = sent.get(example.getExampleId());
      if (sentAt == null) {
        continue;
      }
      toExample.add(Duration.between(sentAt, example.getProducedAt()).toMillis() / 1000.0);
      Instant servedAt = null;
      for (ModelUpdate update : byVersion) {
        if (!update.getCreatedAt().isBefore(example.getProducedAt())) {
          Map.Entry<Long, Instant> firstServed = served.ceilingEntry(update.getVersion());
          servedAt = firstServed == null ? null : firstServed.getValue();
          break;
        }
      }
      if (servedAt == null) {
        notServed++;
      } else {
        toServed.add(Duration.between(sentAt, servedAt).toMillis() / 1000.0);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("preference_to_example", Stats.latencySummary(toExample));
    out.put("preference_to_served_model", Stats.latencySummary(toServed));
    out.put("not_served", notServed);
    return out;
  }

  static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // A leftover temp directory is harmless; the figures are what matter here.
    }
  }
}
