package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.bench.LabelStreams.LabelledPair;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Pacer;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.PreferenceSide;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.trainer.RewardLearner;
import dev.rewardstream.trainer.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The label efficiency of the running system against the learner bench's figure for the same labels. The embedded
 * platform, as {@code rewardctl up} starts it, receives a text world's labelled pairs the way agents and a labeler
 * publish them (both answers on {@code interactions}, then the preference naming them) at a steady rate. After N
 * labels, the version the scorer was serving when the N-th label was sent is measured on fresh pairs against the
 * hidden true order; the learner bench drives the same learner through {@link TrainerCadence} on the same labels, at
 * the same rate, with the trainer configuration the platform uses. The
 * difference is what the pipeline itself costs or gains: arrival order, the feature job's joins and checkpoints,
 * publish and load delays.
 */
final class LiveLearningBench implements BenchScenario {

  private static final int[] COUNTS = {250, 500, 1000, 2000};
  private static final int[] QUICK_COUNTS = {150, 300};
  private static final List<String> WORLDS = List.of("issue200", "heldout800");
  private static final int SEEDS = 3;
  private static final int FRESH_PAIRS = 1000;
  /** Faster than the learner bench's 10/s so that three seeds of two worlds fit in about ten minutes. */
  private static final double LABELS_PER_SECOND = 25;
  private static final String[] PALETTE = {"#1f77b4", "#d62728"};

  @Override
  public String name() {
    return "label-efficiency-live";
  }

  /** One seed of one world: accuracy after each label count, live and simulated, and what the pipeline delivered. */
  private record Run(double[] live, double[] bench, long[] versions, int examplesIdentical, int examples) {}

  @Override
  public Result run(Context context) throws Exception {
    int[] counts = context.quick() ? QUICK_COUNTS : COUNTS;
    int seeds = context.quick() ? 1 : SEEDS;
    List<String> worlds = context.quick() ? WORLDS.subList(0, 1) : WORLDS;
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("labels_per_second", LABELS_PER_SECOND);
    figures.put("fresh_pairs", FRESH_PAIRS);
    figures.put("seeds", seeds);
    figures.put("label_counts", Arrays.stream(counts).boxed().toList());
    Map<String, Object> byWorld = new LinkedHashMap<>();
    figures.put("worlds", byWorld);
    StringBuilder table = new StringBuilder();
    List<Chart.Series> curves = new ArrayList<>();
    int cells = 0;
    int cellsWithinNoise = 0;
    for (String name : worlds) {
      LabelWorlds.Spec spec = LabelWorlds.named(name);
      List<Run> runs = new ArrayList<>();
      for (int s = 1; s <= seeds; s++) {
        long seed = context.seed() * 1000 + s;
        LabelStreams.Streams streams = new LabelStreams.Text(spec, FeatureSpec.DEFAULT)
            .streams(seed, counts[counts.length - 1], FRESH_PAIRS);
        runs.add(measure(streams, counts, context, name + " seed " + s));
      }
      Map<String, Object> world = new LinkedHashMap<>();
      List<Map<String, Object>> rows = new ArrayList<>();
      double[] liveMean = new double[counts.length];
      double[] liveSd = new double[counts.length];
      double[] benchMean = new double[counts.length];
      double[] benchSd = new double[counts.length];
      for (int c = 0; c < counts.length; c++) {
        final int cell = c;
        double[] live = runs.stream().mapToDouble(r -> r.live()[cell]).toArray();
        double[] bench = runs.stream().mapToDouble(r -> r.bench()[cell]).toArray();
        double[] difference = runs.stream().mapToDouble(r -> r.live()[cell] - r.bench()[cell]).toArray();
        liveMean[c] = Stats.mean(live);
        liveSd[c] = Stats.sd(live);
        benchMean[c] = Stats.mean(bench);
        benchSd[c] = Stats.sd(bench);
        // The learner bench's own yardstick: within one sd across seeds, and never tighter than the sampling sd of
        // an accuracy measured on this many fresh pairs.
        double noise = Math.max(Math.max(liveSd[c], benchSd[c]),
            Math.sqrt(benchMean[c] * (1 - benchMean[c]) / FRESH_PAIRS));
        boolean withinNoise = Math.abs(Stats.mean(difference)) <= noise;
        cells++;
        cellsWithinNoise += withinNoise ? 1 : 0;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("labels", counts[c]);
        row.put("live_mean", Stats.round(liveMean[c]));
        row.put("live_sd", Stats.round(liveSd[c]));
        row.put("bench_mean", Stats.round(benchMean[c]));
        row.put("bench_sd", Stats.round(benchSd[c]));
        row.put("difference_mean", Stats.round(Stats.mean(difference)));
        row.put("difference_sd", Stats.round(Stats.sd(difference)));
        row.put("within_noise", withinNoise);
        row.put("live_versions", runs.stream().map(r -> r.versions()[cell]).toList());
        rows.add(row);
        table.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %+.1f ± %.1f | %s |%n", name, counts[c],
            percent(liveMean[c], liveSd[c]), percent(benchMean[c], benchSd[c]), 100 * Stats.mean(difference),
            100 * Stats.sd(difference), withinNoise ? "✓" : "✗"));
      }
      world.put("cells", rows);
      world.put("examples_identical_to_bench", runs.stream().mapToInt(Run::examplesIdentical).sum());
      world.put("examples_produced", runs.stream().mapToInt(Run::examples).sum());
      byWorld.put(name, world);
      double[] x = Arrays.stream(counts).asDoubleStream().toArray();
      String color = PALETTE[curves.size() / 2 % PALETTE.length];
      curves.add(Chart.Series.line(name + " learner bench", color, x, benchMean).withSpread(benchSd).asDashed());
      curves.add(Chart.Series.line(name + " live platform", color, x, liveMean).withSpread(liveSd));
    }
    figures.put("cells", cells);
    figures.put("cells_within_noise", cellsWithinNoise);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "The embedded platform as `rewardctl up` starts "
        + "it (broker, feature job, trainer, scorer; default settings) receives a world's labelled pairs as agents and "
        + "a labeler publish them: both answers on `interactions`, then the preference naming them, %.0f labels/s. "
        + "After N labels, the version the scorer was serving when the N-th label was sent (as the scorer loaded and "
        + "verified it) is measured on %,d fresh pairs against the hidden true order. The learner bench drives "
        + "the same learner through the trainer's cadence (polls, schedule, publish interval) on the same labels at "
        + "the same rate and is measured the same way. Mean ± sd over %d seed(s); the difference is paired per seed. "
        + "Within noise (✓): |mean difference| ≤ the larger sd across seeds, or the sampling sd of an accuracy on "
        + "%,d pairs if larger.%n%n| world | labels | live platform | learner bench | live − bench (points) | within "
        + "noise |%n|---|---|---|---|---|---|%n", LABELS_PER_SECOND, FRESH_PAIRS, seeds, FRESH_PAIRS));
    md.append(table);
    md.append(String.format(Locale.ROOT, "%n%d of %d cells within noise. Training examples the feature job produced "
        + "identical (features and label) to the ones the learner bench trains on: %s.%n%n"
        + "![live platform vs learner bench](label-efficiency-live.svg)%n", cellsWithinNoise, cells,
        byWorld.entrySet().stream().map(e -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> w = (Map<String, Object>) e.getValue();
          return String.format(Locale.ROOT, "%s %,d of %,d", e.getKey(), (Integer) w.get("examples_identical_to_bench"),
              (Integer) w.get("examples_produced"));
        }).collect(Collectors.joining(", "))));
    Result result = Result.of(figures, md.toString());
    result.plots().put("label-efficiency-live.svg", Chart.lines("Live platform vs learner bench, same labels",
        "labels", "accuracy vs true order (fresh pairs)", curves));
    return result;
  }

  private static String percent(double mean, double sd) {
    return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean, 100 * sd);
  }

  private static Run measure(LabelStreams.Streams streams, int[] counts, Context context, String what)
      throws Exception {
    Path dataDir = Files.createTempDirectory("rewardstream-bench-");
    try {
      PlatformConfig config = PlatformConfig.onFreePorts(dataDir);
      double[] bench = simulate(streams, counts, config.trainerConfig(KafkaConnection.plaintext("in-process")));
      context.progress().accept(String.format(Locale.ROOT, "label-efficiency-live %s: learner bench %s; starting the "
          + "platform", what, Arrays.toString(round(bench))));
      return live(streams, counts, config, bench, context, what);
    } finally {
      FreshnessBench.deleteQuietly(dataDir);
    }
  }

  /** The learner bench's figure: the version published last when the N-th label arrived, as the bench takes it. */
  private static double[] simulate(LabelStreams.Streams streams, int[] counts, TrainerConfig config) {
    try (RewardLearner learner = RewardLearner.create(config.featureSpec(), config.learner())) {
      return new TrainerCadence(config, LABELS_PER_SECOND).lastPublishedBefore(learner, streams.stream(),
          LabelledPair::example, counts, published -> LabelEfficiencyBench.accuracy(
              LabelEfficiencyBench.margins(published::score, streams.fresh()), streams.fresh()), 0.5);
    }
  }

  private static Run live(LabelStreams.Streams streams, int[] counts, PlatformConfig config, double[] bench,
      Context context, String what) throws Exception {
    int labels = counts[counts.length - 1];
    long[] versions = new long[counts.length];
    LoadedModel[] served = new LoadedModel[counts.length];
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(config)) {
      var infra = platform.infrastructure();
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(), infra.topics())) {
        Pacer pacer = new Pacer(LABELS_PER_SECOND);
        int c = 0;
        for (int i = 0; i < labels; i++) {
          pacer.await();
          publish(sink, streams.stream().get(i));
          if (i + 1 == counts[c]) {
            served[c] = platform.liveScorerModel().orElse(null);
            versions[c] = served[c] == null ? 0 : served[c].version();
            context.progress().accept(String.format(Locale.ROOT, "label-efficiency-live %s: %d labels sent, the "
                + "scorer serves v%d", what, counts[c], versions[c]));
            c++;
          }
        }
        sink.flush();
      }
      if (platform.trainerStatus().failure() != null) {
        throw new IllegalStateException("the trainer failed: " + platform.trainerStatus().failure());
      }
      List<TrainingExample> produced = TopicIO.readUntil(infra.bootstrapServers(), infra.topics().trainingExamples,
          Duration.ofSeconds(60), read -> read.size() >= labels);
      double[] live = new double[counts.length];
      for (int c = 0; c < counts.length; c++) {
        // Before the first version nothing is scored: every pair is a tie, half right.
        live[c] = served[c] == null ? 0.5 : LabelEfficiencyBench.accuracy(
            LabelEfficiencyBench.margins(served[c]::score, streams.fresh()), streams.fresh());
      }
      context.progress().accept(String.format(Locale.ROOT, "label-efficiency-live %s: live %s, bench %s", what,
          Arrays.toString(round(live)), Arrays.toString(round(bench))));
      return new Run(live, bench, versions, identical(produced, streams.stream().subList(0, labels)),
          produced.size());
    }
  }

  /** Both answers, then the preference naming them, keyed and timed as an agent and a labeler would send them. */
  private static void publish(KafkaRecordSink sink, LabelledPair pair) {
    String id = pair.example().getExampleId();
    Instant now = Instant.now();
    sink.interaction(answer(id + "-a", pair.texts().prompt(), pair.texts().a(), now));
    sink.interaction(answer(id + "-b", pair.texts().prompt(), pair.texts().b(), now));
    sink.preference(Preference.newBuilder().setPreferenceId(id).setEventTime(now)
        .setA(PreferenceSide.newBuilder().setInteractionId(id + "-a").build())
        .setB(PreferenceSide.newBuilder().setInteractionId(id + "-b").build())
        .setOutcome(pair.target() == 1 ? PreferenceOutcome.A : PreferenceOutcome.B)
        .setSource(LabelSource.SYNTHETIC).setAnnotator("bradley-terry-labeler").build());
  }

  private static Interaction answer(String id, String prompt, String response, Instant now) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("bench-agent").setPolicyVersion("policy-1")
        .setEventTime(now).setPrompt(prompt).setResponse(response).build();
  }

  /** How many produced examples carry exactly the features and label the learner bench trains on (by id). */
  private static int identical(List<TrainingExample> produced, List<LabelledPair> sent) {
    Map<String, TrainingExample> expected = new HashMap<>();
    for (LabelledPair pair : sent) {
      expected.put(pair.example().getExampleId(), pair.example());
    }
    int same = 0;
    for (TrainingExample example : produced) {
      TrainingExample bench = expected.get(example.getExampleId());
      if (bench != null && bench.getA().equals(example.getA()) && bench.getB().equals(example.getB())
          && bench.getTarget() == example.getTarget()) {
        same++;
      }
    }
    return same;
  }

  private static double[] round(double[] values) {
    return Arrays.stream(values).map(Stats::round).toArray();
  }
}
