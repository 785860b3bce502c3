package dev.rewardstream.bench;

import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.LiveAccuracy;
import dev.rewardstream.sim.RecordSink;
import dev.rewardstream.sim.TextWorld;
import dev.rewardstream.schema.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live model's pairwise accuracy over time, on the running system: at each mark a fresh batch of answer pairs is
 * sent as interactions only (never labelled to the system), and at the next mark the pairs of the previous batch are
 * judged by the scores the live model gave them, against the hidden true reward, against labels drawn for them, and
 * against the exact Bayes-optimal accuracy of those labels.
 */
final class LiveProbes {

  private static final int PAIRS_PER_MARK = 40;

  private final TextWorld world;
  private final Labeler labeler;
  private final RecordSink sink;
  private final List<Map<String, Object>> series = new ArrayList<>();
  private Map<String, LiveAccuracy.HeldOutPair> waiting = Map.of();
  private double waitingSince;
  private int mark;

  LiveProbes(TextWorld world, Labeler labeler, RecordSink sink) {
    this.world = world;
    this.labeler = labeler;
    this.sink = sink;
  }

  /** Measures the batch sent at the previous mark, then sends the next. */
  void measureAndSend(double elapsedSeconds, LiveAccuracy accuracy) {
    if (!waiting.isEmpty()) {
      LiveAccuracy.Measurement m = accuracy.measure(waiting, labeler);
      if (m.pairs() > 0) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("t_s", Math.round(waitingSince));
        point.put("pairs", m.pairs());
        point.put("model_version", m.modelVersion());
        point.put("vs_true_reward", Stats.round(m.trueOrderAccuracy()));
        point.put("vs_labels", Stats.round(m.labelAccuracy()));
        point.put("bayes_optimal", Stats.round(m.bayesOptimalLabelAccuracy()));
        series.add(point);
      }
    }
    mark++;
    Map<String, LiveAccuracy.HeldOutPair> batch = new LinkedHashMap<>();
    for (int i = 0; i < PAIRS_PER_MARK; i++) {
      String prompt = world.prompt();
      String a = world.response();
      String b = world.response();
      String idA = "probe-" + mark + "-" + i + "-a";
      String idB = "probe-" + mark + "-" + i + "-b";
      sink.interaction(probe(idA, prompt, a));
      sink.interaction(probe(idB, prompt, b));
      double rewardA = world.trueReward(a);
      double rewardB = world.trueReward(b);
      batch.put(idA, new LiveAccuracy.HeldOutPair(idA, idB, rewardA, rewardB, labeler.prefersA(rewardA, rewardB)));
    }
    waiting = batch;
    waitingSince = elapsedSeconds;
  }

  private static Interaction probe(String id, String prompt, String response) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("probe").setPolicyVersion("probe")
        .setEventTime(Instant.now()).setPrompt(prompt).setResponse(response).build();
  }

  List<Map<String, Object>> series() {
    return series;
  }

  String markdown() {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nLive model on fresh, never-labelled pairs "
        + "(%d per mark), scored by the version serving when they arrived or a later one:%n%n"
        + "| t | pairs | model | vs true reward | vs labels | Bayes-optimal (labels) |%n|---|---|---|---|---|---|%n",
        PAIRS_PER_MARK));
    for (Map<String, Object> p : series) {
      md.append(String.format(Locale.ROOT, "| %s s | %s | v%s | %s | %s | %s |%n", p.get("t_s"), p.get("pairs"),
          p.get("model_version"), p.get("vs_true_reward"), p.get("vs_labels"), p.get("bayes_optimal")));
    }
    return md.append("\n![live accuracy](freshness-live-accuracy.svg)\n").toString();
  }

  Chart plot() {
    double[] t = series.stream().mapToDouble(p -> ((Number) p.get("t_s")).doubleValue()).toArray();
    return Chart.lines("Live model on fresh pairs", "seconds", "pairwise accuracy", List.of(
        Chart.Series.line("vs true reward", "#2ca02c", t, column("vs_true_reward")),
        Chart.Series.line("vs labels", "#1f77b4", t, column("vs_labels")),
        Chart.Series.line("Bayes-optimal (vs labels)", "#7f7f7f", t, column("bayes_optimal")).asDashed()));
  }

  private double[] column(String key) {
    return series.stream().mapToDouble(p -> ((Number) p.get(key)).doubleValue()).toArray();
  }
}
