package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.data.DataSets;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.RewardLearner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * HH-RLHF harmless-base test, single pass, test-then-train: each pair is first scored by the current model (is
 * r(chosen) > r(rejected)?), then trained on, one optimizer step per pair. The pairs are featurized exactly as the
 * replay path would send them (context as prompt, final assistant turn as response). Reported next to "the shorter
 * final response wins" (by tokens, ties half right), which needs no learning.
 *
 * <p>The embedded variant encodes each response twice (alone and with the final human turn): about two minutes of
 * featurization on two cores for the full file, done once and shared by the shuffles.
 */
final class HhRlhfBench implements BenchScenario {

  /** The encoders of the learners that add sentence embeddings to the hashed words. */
  static final FeatureSpec ENCODED = FeatureSpec.DEFAULT.withTextEncoder("all-minilm-l6-v2-q");
  static final FeatureSpec ENCODED_E5 = FeatureSpec.DEFAULT.withTextEncoder("e5-small-v2-q");
  /** The encoder the running system is measured with on HH-RLHF ({@code hh-rlhf-live}). */
  static final String LIVE_TEXT_ENCODER = "e5-small-v2-q";

  /** Texts each pair's featurization encodes: the response and the final exchange, of either side. */
  private static final int ENCODED_TEXTS_PER_PAIR = 4;

  /**
   * The learners compared: the trainer's default (the online linear mixture), with and without the response and the
   * final exchange also embedded by a pretrained sentence encoder; and Adam-trained networks like the anchor's linear
   * model and the earlier default MLP, one member, one step per pair.
   */
  private record Learner(String name, FeatureSpec spec, LearnerOptions options) {}

  private static final List<Learner> LEARNERS = List.of(
      new Learner("default", FeatureSpec.DEFAULT, LearnerOptions.defaults()),
      new Learner("default+minilm", ENCODED, LearnerOptions.defaults()),
      new Learner("default+e5", ENCODED_E5, LearnerOptions.defaults()),
      new Learner("linear", FeatureSpec.DEFAULT, LearnerOptions.linear().withMembers(1).withLearningRate(0.005f)),
      new Learner("mlp32", FeatureSpec.DEFAULT, LearnerOptions.network().withMembers(1)));

  @Override
  public String name() {
    return "hh-rlhf";
  }

  @Override
  public Result run(Context context) throws Exception {
    Path data = requireData(context);
    Map<FeatureSpec, List<HhRlhfPairs.Pair>> featurized = new LinkedHashMap<>();
    Map<FeatureSpec, Double> featurizeSeconds = new LinkedHashMap<>();
    // The quick run checks the scenario with the cheapest encoder (the full run compares them): each costs tens of
    // seconds.
    List<Learner> learners = context.quick() ? LEARNERS.stream().filter(l -> l.spec().textEncoder().isEmpty()
        || l.spec().equals(ENCODED)).toList() : LEARNERS;
    for (Learner learner : learners) {
      if (!featurized.containsKey(learner.spec())) {
        long start = System.nanoTime();
        featurized.put(learner.spec(), HhRlhfPairs.read(data, learner.spec(),
            context.quick() ? 400 : Integer.MAX_VALUE));
        featurizeSeconds.put(learner.spec(), (System.nanoTime() - start) / 1e9);
        context.progress().accept(String.format(Locale.ROOT, "hh-rlhf: featurized with %s in %.1f s",
            learner.spec().fingerprint(), featurizeSeconds.get(learner.spec())));
      }
    }
    List<HhRlhfPairs.Pair> pairs = featurized.get(FeatureSpec.DEFAULT);
    int shuffles = context.quick() ? 1 : 5;
    int limit = context.quick() ? Math.min(400, pairs.size()) : pairs.size();

    double shorterWins = 0;
    for (HhRlhfPairs.Pair pair : pairs.subList(0, limit)) {
      shorterWins += pair.chosenTokens() < pair.rejectedTokens() ? 1
          : pair.chosenTokens() == pair.rejectedTokens() ? 0.5 : 0;
    }
    shorterWins /= limit;

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("pairs", limit);
    figures.put("shuffles", shuffles);
    figures.put("shorter_wins_accuracy", Stats.round(shorterWins));
    List<Chart.Series> curves = new ArrayList<>();
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%d pairs, one pass, test-then-train, mean of %d shuffles.%n%n", limit,
        shuffles));
    md.append("| model | prequential pairwise accuracy | sd over shuffles | featurizing, ms per pair | anchor |\n"
        + "|---|---|---|---|---|\n");
    String[] colors = {"#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd"};
    for (int l = 0; l < learners.size(); l++) {
      Learner learner = learners.get(l);
      double[] accuracies = new double[shuffles];
      double[] curve = null;
      for (int s = 0; s < shuffles; s++) {
        List<HhRlhfPairs.Pair> order = new ArrayList<>(featurized.get(learner.spec()).subList(0, limit));
        Collections.shuffle(order, new Random(context.seed() + s));
        double[] cumulative = prequential(learner.spec(), learner, order);
        accuracies[s] = cumulative[cumulative.length - 1];
        curve = curve == null ? cumulative : curve;
        context.progress().accept(String.format(Locale.ROOT, "hh-rlhf: %s shuffle %d/%d: accuracy %.3f",
            learner.name(), s + 1, shuffles, accuracies[s]));
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("feature_spec", learner.spec().fingerprint());
      result.put("text_encoder", learner.spec().textEncoder());
      result.put("learner", learner.options().describe());
      result.put("accuracy_mean", Stats.round(Stats.mean(accuracies)));
      result.put("accuracy_sd", Stats.round(Stats.sd(accuracies)));
      // Featurizing reads the whole file once per spec (the hashed words alone are the anchor of the encoder's cost).
      double msPerPair = 1000 * featurizeSeconds.get(learner.spec()) / featurized.get(learner.spec()).size();
      result.put("featurize_ms_per_pair", Stats.round(msPerPair));
      if (!learner.spec().textEncoder().isEmpty()) {
        double wordsAlone = 1000 * featurizeSeconds.get(FeatureSpec.DEFAULT) / pairs.size();
        result.put("encoder_ms_per_text", Stats.round((msPerPair - wordsAlone) / ENCODED_TEXTS_PER_PAIR));
      }
      figures.put(learner.name(), result);
      md.append(String.format(Locale.ROOT, "| %s (%s) | %.1f%% | %.1f | %.2f | %s |%n", learner.name(),
          learner.options().describe(), 100 * Stats.mean(accuracies), 100 * Stats.sd(accuracies), msPerPair,
          learner.spec().textEncoder().isEmpty() && learner.options().hidden() == 0 ? "online linear BT: 60.2%" : ""));
      double[] x = new double[curve.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = i + 1;
      }
      curves.add(Chart.Series.line(learner.name() + " (shuffle 1)", colors[l], x, curve));
    }
    md.append(String.format(Locale.ROOT, "| shorter final response wins | %.1f%% | – | – | 55.3%% |%n%n",
        100 * shorterWins));
    md.append(String.format(Locale.ROOT, "Featurizing runs on one thread (ONNX Runtime spreads each embedding over the "
        + "cores). With an encoder each pair embeds %d texts "
        + "(each side's response and final exchange): the encoder's time per text is the difference to the hashed "
        + "words alone, divided by %d.%n%n", ENCODED_TEXTS_PER_PAIR, ENCODED_TEXTS_PER_PAIR));
    md.append("![cumulative prequential accuracy](hh-rlhf-accuracy.svg)\n");
    Result result = Result.of(figures, md.toString());
    result.plots().put("hh-rlhf-accuracy.svg", Chart.lines("HH-RLHF harmless: cumulative test-then-train accuracy",
        "pairs seen", "accuracy", curves, List.of(new Chart.Reference("shorter final response wins", shorterWins)),
        false));
    return result;
  }

  /** The HH-RLHF file the run was given, or the scenario is skipped saying where to get it. */
  static Path requireData(Context context) throws ScenarioSkippedException {
    Path data = context.data();
    if (data == null || !Files.isRegularFile(data)) {
      throw new ScenarioSkippedException("HH-RLHF data not found at " + data + ": 'rewardctl data fetch hh-rlhf' "
          + "downloads it (" + DataSets.HH_RLHF.url() + ", sha256 checked), or pass --data PATH to a copy of "
          + "harmless-base/test.jsonl.gz");
    }
    return data;
  }

  /** Cumulative accuracy after each pair (ties in score count half). */
  private static double[] prequential(FeatureSpec spec, Learner config, List<HhRlhfPairs.Pair> order) {
    return prequential(spec, config.options(), order);
  }

  /** Cumulative accuracy after each pair (ties in score count half), the learner {@code options} describe. */
  static double[] prequential(FeatureSpec spec, LearnerOptions options, List<HhRlhfPairs.Pair> order) {
    double[] cumulative = new double[order.size()];
    double correct = 0;
    try (RewardLearner learner = RewardLearner.create(spec, options)) {
      for (int i = 0; i < order.size(); i++) {
        TrainingExample example = order.get(i).example();
        double margin = Examples.margins(learner, List.of(example))[0];
        correct += margin > 0 ? 1 : margin == 0 ? 0.5 : 0;
        cumulative[i] = correct / (i + 1);
        learner.trainStep(List.of(example));
      }
    }
    return cumulative;
  }
}
