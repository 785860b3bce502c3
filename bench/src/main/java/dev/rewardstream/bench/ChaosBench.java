package dev.rewardstream.bench;

import dev.rewardstream.runtime.cluster.LocalCluster;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Faults on the real engines: {@link LocalCluster} under a steady simulated load (text and control agents), each of
 * its parts killed with SIGKILL in turn and started again after a pause; then, after draining, every interaction,
 * preference, example and version counted by id ({@code read_committed}).
 */
final class ChaosBench implements BenchScenario {

  /** What is killed, in order; "trainer" means whichever trainer instance is learning at that moment. */
  static final List<String> FAULTS = List.of("broker-2", "taskmanager-1", "jobmanager", "scorer-1", "drift",
      "trainer", "registry");
  private static final Duration PAUSE = Duration.ofSeconds(10);
  /**
   * A broker stays down longer than Kafka's failover, which takes about its controller's broker session (9 s by
   * default): the partitions it led move to the other two, and scoring should go on before it is back.
   */
  private static final Duration BROKER_PAUSE = Duration.ofSeconds(30);
  private static final Duration SETTLE = Duration.ofSeconds(15);
  private static final Duration WARM_UP = Duration.ofSeconds(30);

  @Override
  public String name() {
    return "chaos";
  }

  /** One fault: when the process died, when it was started again, when it was ready. */
  private record Fault(String target, Instant killed, Instant restarted, Instant ready) {}

  @Override
  public Result run(Context context) throws Exception {
    if (context.quick()) {
      throw new ScenarioSkippedException("a full run only: it runs a 12-process cluster for about 10 minutes "
          + "(rewardctl bench --scenarios chaos); ClusterCommandTest covers the cluster in the test suite");
    }
    if (context.commandMain() == null) {
      throw new ScenarioSkippedException("it starts rewardctl's services as processes: run it from rewardctl");
    }
    Path dir = Files.createTempDirectory("rewardstream-chaos-");
    int base = LocalCluster.freeBase();
    LocalCluster cluster = LocalCluster.up(dir, base, LocalCluster.defaultJobJar(), context.commandMain(),
        Duration.ofMinutes(4), context.progress());
    String bootstrap = cluster.layout().bootstrapServers();
    Topics topics = Topics.connect(SerdeConfig.of(cluster.layout().registryUrl()));
    List<Fault> faults = new ArrayList<>();
    boolean measured = false;
    Instant loadStarted;
    Instant loadStopped;
    try {
      loadStarted = Instant.now();
      Process load = cluster.run("simulate", List.of("simulate", "--bootstrap-servers", bootstrap,
          "--schema-registry", cluster.layout().registryUrl(), "--agents", "both", "--rate", "5", "--duration-s",
          "3600", "--seed", Long.toString(context.seed())));
      // The scorer scores once the trainer has published a first version (500 examples, about a minute at this
      // rate): faults start after the loop runs, not while it is still starting (the first runs killed the broker
      // before the first score, and measured the wait for the first version as a scoring gap).
      awaitFirstScore(bootstrap, topics, Duration.ofMinutes(5));
      Thread.sleep(WARM_UP.toMillis());
      for (String fault : FAULTS) {
        String target = fault.equals("trainer") ? cluster.activeTrainer().orElseThrow(
            () -> new IllegalStateException("no trainer is active before its fault")) : fault;
        context.progress().accept("chaos: SIGKILL " + target);
        Instant killed = Instant.now();
        cluster.kill(target);
        Thread.sleep(pause(target).toMillis());
        Instant restarted = Instant.now();
        cluster.restart(target);
        Instant ready = Instant.now();
        context.progress().accept(String.format(Locale.ROOT, "chaos: %s back %.1f s after the kill", target,
            Duration.between(killed, ready).toMillis() / 1000.0));
        faults.add(new Fault(target, killed, restarted, ready));
        Thread.sleep(SETTLE.toMillis());
      }
      load.destroy();
      load.waitFor();
      loadStopped = Instant.now();
      context.progress().accept("chaos: load stopped; draining");
      Counts counts = drain(bootstrap, topics, Duration.ofMinutes(3));
      Result result = report(counts, faults, loadStarted, loadStopped);
      measured = true;
      return result;
    } finally {
      cluster.down();
      if (measured) {
        FreshnessBench.deleteQuietly(dir);
      } else {
        context.progress().accept("chaos: the cluster's logs are kept in " + dir.resolve("logs"));
      }
    }
  }

  private static Duration pause(String target) {
    return target.startsWith("broker") ? BROKER_PAUSE : PAUSE;
  }

  private static void awaitFirstScore(String bootstrap, Topics topics, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (StreamsAppMeter.endOffsets(KafkaConnection.plaintext(bootstrap), topics.scores.name()) == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no interaction scored within " + timeout + " of the load's start");
      }
      Thread.sleep(1_000);
    }
  }

  /** Everything the topics hold by id, read until every interaction has a score and every preference an outcome. */
  private record Counts(int interactions, int lostInteractions, int preferences, int lostPreferences,
      int examples, int duplicatedExamples, int versions, int reusedVersions, List<Instant> scoredAt,
      List<Double> scoreLatencyS, List<Instant> scoreLatencySentAt, Map<Instant, Double> freshnessByPreference,
      List<Instant> versionsCreated) {}

  private static Counts drain(String bootstrap, Topics topics, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Counts counts = count(bootstrap, topics);
      boolean drained = counts.lostInteractions() == 0 && counts.lostPreferences() == 0;
      if (drained || System.nanoTime() > deadline) {
        return counts;
      }
      Thread.sleep(5_000);
    }
  }

  private static Counts count(String bootstrap, Topics topics) {
    Set<String> interactions = new HashSet<>();
    scan(bootstrap, topics.interactions, (record, i) -> interactions.add(i.getInteractionId()));
    Set<String> scored = new HashSet<>();
    List<Instant> scoredAt = new ArrayList<>();
    List<Double> latency = new ArrayList<>();
    List<Instant> latencySentAt = new ArrayList<>();
    scan(bootstrap, topics.scores, (record, s) -> {
      if (!s.getRescore()) {
        scored.add(s.getInteractionId());
        scoredAt.add(s.getScoredAt());
        latency.add(Duration.between(s.getEventTime(), s.getScoredAt()).toMillis() / 1000.0);
        latencySentAt.add(s.getEventTime());
      }
    });
    Map<String, Instant> preferences = new HashMap<>();
    Map<String, String> preferenceAt = new HashMap<>();
    scan(bootstrap, topics.preferences, (record, p) -> {
      preferences.put(p.getPreferenceId(), p.getEventTime());
      preferenceAt.put(record.partition() + "@" + record.offset(), p.getPreferenceId());
    });
    Map<String, Integer> examples = new HashMap<>();
    Map<String, Instant> producedAt = new HashMap<>();
    scan(bootstrap, topics.trainingExamples, (record, e) -> {
      examples.merge(e.getExampleId(), 1, Integer::sum);
      producedAt.putIfAbsent(e.getExampleId(), e.getProducedAt());
    });
    Set<String> deadLettered = new HashSet<>();
    scan(bootstrap, topics.deadLetters, (record, d) -> {
      if (d.getSourceTopic().equals(topics.preferences.name())) {
        String id = preferenceAt.get(d.getSourcePartition() + "@" + d.getSourceOffset());
        if (id != null) {
          deadLettered.add(id);
        }
      }
    });
    Map<Long, Integer> versions = new HashMap<>();
    List<Instant> versionCreated = new ArrayList<>();
    scan(bootstrap, topics.modelUpdates, (record, u) -> {
      versions.merge(u.getVersion(), 1, Integer::sum);
      versionCreated.add(u.getCreatedAt());
    });
    versionCreated.sort(null);
    // Freshness as the freshness scenario defines it: the preference handed to the producer, until a version
    // created after its example was produced (the scorer loads it within milliseconds).
    Map<Instant, Double> freshness = new LinkedHashMap<>();
    preferences.forEach((id, sentAt) -> {
      Instant produced = producedAt.get(id);
      if (produced != null) {
        versionCreated.stream().filter(created -> !created.isBefore(produced)).findFirst()
            .ifPresent(created -> freshness.put(sentAt, Duration.between(sentAt, created).toMillis() / 1000.0));
      }
    });
    int lostInteractions = (int) interactions.stream().filter(id -> !scored.contains(id)).count();
    int lostPreferences = (int) preferences.keySet().stream()
        .filter(id -> !examples.containsKey(id) && !deadLettered.contains(id)).count();
    int pairwise = (int) examples.keySet().stream().filter(preferences::containsKey).count();
    scoredAt.sort(null);
    return new Counts(interactions.size(), lostInteractions, preferences.size(), lostPreferences, pairwise,
        (int) examples.values().stream().filter(n -> n > 1).count(), versions.size(),
        (int) versions.values().stream().filter(n -> n > 1).count(), scoredAt, latency, latencySentAt, freshness,
        versionCreated);
  }

  /** Every committed record of {@code topic}, with its partition and offset. */
  static <V extends SpecificRecord> void scan(String bootstrap, TopicSpec<V> topic,
      BiConsumer<ConsumerRecord<byte[], byte[]>, V> each) {
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(bootstrap, null)) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer, topic.name());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() != null) {
            each.accept(record, topic.decode(record.value()));
          }
        }
      }
    }
  }

  private static Result report(Counts counts, List<Fault> faults, Instant loadStarted, Instant loadStopped) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("interactions", counts.interactions());
    figures.put("lost_interactions", counts.lostInteractions());
    figures.put("preferences", counts.preferences());
    figures.put("lost_preferences", counts.lostPreferences());
    figures.put("duplicated_examples", counts.duplicatedExamples());
    figures.put("versions", counts.versions());
    figures.put("reused_versions", counts.reusedVersions());
    figures.put("load_s", Duration.between(loadStarted, loadStopped).toSeconds());
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "`rewardctl cluster up`'s 12 processes (3 "
            + "brokers, registry, JobManager, 2 TaskManagers, 2 scorers, drift monitor, trainer and standby) under "
            + "`rewardctl simulate --agents both --rate 5` for %d s, the first fault %d s after the first score. Each "
            + "part below killed with SIGKILL, started "
            + "again after %d s (a broker after %d s), then %d s before the next. Counted by id after draining (`read_committed`).%n%n"
            + "| interactions | without a score | preferences | neither example nor dead letter | duplicated "
            + "examples | versions | reused versions |%n|---|---|---|---|---|---|---|%n"
            + "| %,d | **%d** | %,d | **%d** | **%d** | %d | **%d** |%n%n"
            + "Per fault, from the kill: until the part was ready again, and until the next model version was "
            + "published; how many interactions were scored while it was down (kill until started again); the "
            + "longest gap between two scores while it was down or restarting; p95 of interaction → "
            + "score and of preference → a version trained on it, for what was sent in that window (kill until "
            + "ready + %d s).%n%n"
            + "| killed | back after | next version after | scored while down | longest gap in scoring | "
            + "interaction → score p95 | preference → version p95 |%n|---|---|---|---|---|---|---|%n",
        Duration.between(loadStarted, loadStopped).toSeconds(), WARM_UP.toSeconds(),
        PAUSE.toSeconds(), BROKER_PAUSE.toSeconds(), SETTLE.toSeconds(), counts.interactions(), counts.lostInteractions(), counts.preferences(),
        counts.lostPreferences(), counts.duplicatedExamples(), counts.versions(), counts.reusedVersions(),
        SETTLE.toSeconds()));
    for (Fault fault : faults) {
      Instant windowEnd = fault.ready().plus(SETTLE);
      double back = Duration.between(fault.killed(), fault.ready()).toMillis() / 1000.0;
      double gap = longestGap(counts.scoredAt(), fault.killed(), windowEnd);
      long scoredWhileDown = counts.scoredAt().stream()
          .filter(at -> !at.isBefore(fault.killed()) && at.isBefore(fault.restarted())).count();
      List<Double> latencies = new ArrayList<>();
      for (int i = 0; i < counts.scoreLatencySentAt().size(); i++) {
        Instant at = counts.scoreLatencySentAt().get(i);
        if (!at.isBefore(fault.killed()) && at.isBefore(windowEnd)) {
          latencies.add(counts.scoreLatencyS().get(i));
        }
      }
      List<Double> freshness = new ArrayList<>();
      counts.freshnessByPreference().forEach((sentAt, seconds) -> {
        if (!sentAt.isBefore(fault.killed()) && sentAt.isBefore(windowEnd)) {
          freshness.add(seconds);
        }
      });
      double nextVersion = counts.versionsCreated().stream().filter(created -> created.isAfter(fault.killed()))
          .findFirst().map(created -> Duration.between(fault.killed(), created).toMillis() / 1000.0)
          .orElse(Double.NaN);
      double scoreP95 = latencies.isEmpty() ? Double.NaN : Stats.percentile(latencies, 95);
      double freshP95 = freshness.isEmpty() ? Double.NaN : Stats.percentile(freshness, 95);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("back_after_s", measured(back));
      f.put("restarted_after_s", Stats.round(Duration.between(fault.killed(), fault.restarted()).toMillis() / 1000.0));
      f.put("next_version_after_s", measured(nextVersion));
      f.put("scored_while_down", scoredWhileDown);
      f.put("longest_scoring_gap_s", measured(gap));
      f.put("score_latency_p95_s", measured(scoreP95));
      f.put("freshness_p95_s", measured(freshP95));
      figures.put(fault.target(), f);
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %s | %s | %s |%n", fault.target(), seconds(back),
          seconds(nextVersion), scoredWhileDown, seconds(gap), seconds(scoreP95), seconds(freshP95)));
    }
    md.append(String.format(Locale.ROOT, "%nGoals (issue 16): zero lost, zero duplicated, zero reused — %s.%n",
        counts.lostInteractions() == 0 && counts.lostPreferences() == 0 && counts.duplicatedExamples() == 0
            && counts.reusedVersions() == 0 ? "met" : "not met"));
    return Result.of(figures, md.toString());
  }

  /** Null in result.json where nothing was measured (no score in the window). */
  private static Double measured(double value) {
    return Double.isNaN(value) ? null : Stats.round(value);
  }

  /** "—" where nothing was measured (no score in the window). */
  private static String seconds(double value) {
    return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%.1f s", value);
  }

  /** The longest time without a score between {@code from} and {@code to}, edges included. */
  private static double longestGap(List<Instant> sortedScoredAt, Instant from, Instant to) {
    Instant previous = from;
    double longest = 0;
    for (Instant at : sortedScoredAt) {
      if (at.isBefore(from)) {
        continue;
      }
      if (at.isAfter(to)) {
        break;
      }
      longest = Math.max(longest, Duration.between(previous, at).toMillis() / 1000.0);
      previous = at;
    }
    return Math.max(longest, Duration.between(previous, to).toMillis() / 1000.0);
  }
}
