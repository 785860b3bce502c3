package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.replay.HhRlhfRecords;
import dev.rewardstream.replay.JsonRecords;
import dev.rewardstream.replay.Replayer;
import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Pacer;
import dev.rewardstream.trainer.LearnerOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HH-RLHF through the running system. The embedded platform, as {@code rewardctl up --text-encoder E} starts it,
 * receives the file's pairs in file order the way {@code rewardctl replay --format hh-rlhf} sends them (both dialogues
 * on {@code interactions}, then the preference naming them), at a steady rate. The live model's prequential accuracy:
 * each pair judged by the first scores its two answers got, from the version the scorer was serving when it scored
 * them. A pair counts only if that version was published before the pair's label was sent, so it cannot have learned
 * it. The others, the first pairs (the scorer waits for the first version, which learned them) and any the scorer
 * reached only after a version that could have, count half, as ties, exactly as the learner bench counts its untrained
 * model's. The learner bench's prequential on the same pairs, order, features and learner (one update per pair, as it
 * comes) is the figure to match; the difference is what the pipeline costs.
 */
final class HhRlhfLiveBench implements BenchScenario {

  /**
   * With a sentence encoder on, each pair costs eight embeddings (the feature job and the scorer each embed both
   * answers' response and final exchange): on two cores this rate leaves the platform idle half of the time.
   */
  static final double PAIRS_PER_SECOND = 4;
  private static final String SOURCE = "hh";
  private static final Duration SCORING_DRAIN = Duration.ofMinutes(5);

  @Override
  public String name() {
    return "hh-rlhf-live";
  }

  /** One pair of the file, with the line it came from (its records' ids). */
  private record Line(long number, HhRlhfRecords.Pair pair) {}

  /**
   * How one pair was judged live.
   *
   * @param tested whether the version that scored it was published before its label was sent
   */
  private record Judged(double credit, boolean tested) {}

  @Override
  public Result run(Context context) throws Exception {
    if (context.quick()) {
      throw new ScenarioSkippedException("a full run only: the whole file through the platform with a sentence "
          + "encoder on, about ten minutes (rewardctl bench --scenarios hh-rlhf-live --data FILE); "
          + "label-efficiency-live runs the same pipeline in the quick run");
    }
    Path data = HhRlhfBench.requireData(context);
    FeatureSpec spec = FeatureSpec.DEFAULT.withTextEncoder(HhRlhfBench.LIVE_TEXT_ENCODER);
    List<Line> lines = read(data);
    List<HhRlhfPairs.Pair> featurized = HhRlhfPairs.read(data, spec, Integer.MAX_VALUE);
    double[] offline = HhRlhfBench.prequential(spec, LearnerOptions.defaults(), featurized);
    context.progress().accept(String.format(Locale.ROOT, "hh-rlhf-live: learner bench %.1f%% on %d pairs in file "
        + "order; starting the platform with %s", 100 * offline[offline.length - 1], featurized.size(),
        spec.textEncoder()));

    Path dataDir = Files.createTempDirectory("rewardstream-bench-");
    try {
      PlatformConfig config = PlatformConfig.onFreePorts(dataDir).withFeatureSpec(spec);
      Map<String, Instant> labelSentAt = new HashMap<>();
      List<Judged> judged;
      long versions;
      double seconds;
      try (EmbeddedPlatform platform = EmbeddedPlatform.start(config)) {
        String bootstrap = platform.infrastructure().bootstrapServers();
        Topics topics = platform.infrastructure().topics();
        Pacer pacer = new Pacer(PAIRS_PER_SECOND);
        try (KafkaRecordSink sink = new KafkaRecordSink(KafkaConnection.plaintext(bootstrap), topics)) {
          for (int i = 0; i < lines.size(); i++) {
            pacer.await();
            Line line = lines.get(i);
            HhRlhfRecords.Records records = HhRlhfRecords.records(line.pair(), SOURCE, line.number(), Instant.now());
            for (Interaction interaction : records.interactions()) {
              sink.interaction(interaction);
            }
            sink.preference(records.preference());
            labelSentAt.put(records.preference().getPreferenceId().toString(),
                records.preference().getEventTime());
            if ((i + 1) % 500 == 0) {
              context.progress().accept(String.format(Locale.ROOT, "hh-rlhf-live: %d pairs sent, the scorer serves "
                  + "v%d", i + 1, platform.liveScorerVersion()));
            }
          }
          sink.flush();
        }
        seconds = pacer.elapsedSeconds();
        if (platform.trainerStatus().failure() != null) {
          throw new IllegalStateException("the trainer failed: " + platform.trainerStatus().failure());
        }
        judged = judge(bootstrap, topics, lines, labelSentAt);
        versions = platform.liveScorerVersion();
      }
      return report(lines.size(), spec, judged, offline, versions, seconds);
    } finally {
      FreshnessBench.deleteQuietly(dataDir);
    }
  }

  private static List<Line> read(Path data) throws IOException {
    List<Line> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(Replayer.open(data),
        StandardCharsets.UTF_8))) {
      long number = 0;
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        try {
          lines.add(new Line(number, HhRlhfRecords.pair(JsonRecords.parse(text))));
        } catch (JsonRecords.MalformedLineException e) {
          throw new IOException(data + " line " + number + ": " + e.getMessage());
        }
      }
    }
    return lines;
  }

  /** First score of an answer: the reward and the version that gave it. */
  private record FirstScore(double reward, long version) {}

  /** Reads the scores until every answer has one, then judges each pair by its answers' first scores. */
  private static List<Judged> judge(String bootstrap, Topics topics, List<Line> lines, Map<String, Instant> sentAt)
      throws InterruptedException {
    int answers = 2 * lines.size();
    Map<String, FirstScore> first = new HashMap<>();
    java.util.Set<String> scoredAtAll = new java.util.HashSet<>();
    long deadline = System.nanoTime() + SCORING_DRAIN.toNanos();
    while (true) {
      first.clear();
      scoredAtAll.clear();
      ChaosBench.scan(bootstrap, topics.scores, (record, score) -> {
        String id = score.getInteractionId().toString();
        scoredAtAll.add(id);
        if (!score.getRescore()) {
          first.putIfAbsent(id, new FirstScore(score.getRawReward(), score.getModelVersion()));
        }
      });
      if (scoredAtAll.size() >= answers) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(String.format(Locale.ROOT, "%d of %d answers scored within %s of the last "
            + "pair", scoredAtAll.size(), answers, SCORING_DRAIN));
      }
      Thread.sleep(2_000);
    }
    Map<Long, Instant> created = new HashMap<>();
    ChaosBench.scan(bootstrap, topics.modelUpdates, (record, update) -> created.put(update.getVersion(),
        update.getCreatedAt()));
    List<Judged> judged = new ArrayList<>();
    for (Line line : lines) {
      String base = SOURCE + "-" + line.number();
      FirstScore chosen = first.get(base + "-chosen");
      FirstScore rejected = first.get(base + "-rejected");
      Instant label = sentAt.get(base);
      if (chosen == null || rejected == null || !created.get(chosen.version()).isBefore(label)
          || !created.get(rejected.version()).isBefore(label)) {
        judged.add(new Judged(0.5, false));
        continue;
      }
      double credit = chosen.reward() > rejected.reward() ? 1 : chosen.reward() == rejected.reward() ? 0.5 : 0;
      judged.add(new Judged(credit, true));
    }
    return judged;
  }

  private static Result report(int pairs, FeatureSpec spec, List<Judged> judged, double[] offline, long versions,
      double seconds) {
    double[] live = new double[judged.size()];
    double correct = 0;
    int untested = 0;
    for (int i = 0; i < judged.size(); i++) {
      Judged j = judged.get(i);
      correct += j.credit();
      live[i] = correct / (i + 1);
      untested += j.tested() ? 0 : 1;
    }
    double liveAccuracy = live[live.length - 1];
    double offlineAccuracy = offline[offline.length - 1];
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("pairs", pairs);
    figures.put("text_encoder", spec.textEncoder());
    figures.put("pairs_per_second", Stats.round(pairs / seconds));
    figures.put("live_accuracy", Stats.round(liveAccuracy));
    figures.put("learner_bench_accuracy", Stats.round(offlineAccuracy));
    figures.put("difference", Stats.round(liveAccuracy - offlineAccuracy));
    // A whole pass's accuracy over n pairs varies by about sqrt(p(1-p)/n) between orders (the hh-rlhf scenario's sd
    // over shuffles is of that size), the yardstick for "the pipeline loses nothing".
    double noise = Math.sqrt(offlineAccuracy * (1 - offlineAccuracy) / pairs);
    figures.put("noise", Stats.round(noise));
    figures.put("pairs_counted_half", untested);
    figures.put("versions", versions);
    String md = String.format(Locale.ROOT, "The embedded platform with `--text-encoder %s` (feature job, trainer and "
            + "scorer as `rewardctl up` starts them) receives HH-RLHF harmless-base's %,d pairs in file order as "
            + "`rewardctl replay --format hh-rlhf` sends them, %.1f pairs/s; %d versions published. Each pair is "
            + "judged by the first scores its two answers got, from the version served then; %d pairs, scored by a "
            + "version published after their label was sent (the first ones: the scorer waits for the first version), "
            + "count half, as the learner bench's untrained model's ties do.%n%n"
            + "| | prequential accuracy |%n|---|---|%n| live model | **%.1f%%** |%n| learner bench, same pairs and "
            + "order (one update per pair) | %.1f%% |%n| difference | %+.1f points (noise ± %.1f) |%n%n"
            + "![live and bench prequential accuracy](hh-rlhf-live.svg)%n",
        spec.textEncoder(), pairs, pairs / seconds, versions, untested, 100 * liveAccuracy,
        100 * offlineAccuracy, 100 * (liveAccuracy - offlineAccuracy), 100 * noise);
    Result result = Result.of(figures, md);
    double[] x = new double[live.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    result.plots().put("hh-rlhf-live.svg", Chart.lines("HH-RLHF through the running system: cumulative "
        + "test-then-train accuracy", "pairs sent", "accuracy", List.of(
            Chart.Series.line("live model", "#d62728", x, live),
            Chart.Series.line("learner bench", "#1f77b4", x, offline))));
    return result;
  }
}
