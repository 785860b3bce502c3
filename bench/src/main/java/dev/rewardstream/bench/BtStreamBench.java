package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.RewardLearner;
import dev.rewardstream.trainer.LearnerOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prequential accuracy of the trainer's learner on a simulated Bradley-Terry stream of text pairs (temperature 0.5),
 * against the labeler's exact Bayes-optimal accuracy, on a stationary stream and on one whose true reward changes
 * half-way (preference drift). Mini-batches of 16: each batch is scored first, then trained on. Recovery is the number
 * of pairs after the drift until the sliding-window accuracy vs labels is within 3 points of that window's
 * Bayes-optimal accuracy again.
 */
final class BtStreamBench implements BenchScenario {

  static final int BATCH = 16;
  private static final String DEFAULT = "default";

  private record Learner(String key, LearnerOptions options) {}

  /** The trainer's default (the online linear mixture) and the Adam-trained MLP network, for comparison. */
  private static final List<Learner> LEARNERS = List.of(new Learner(DEFAULT, LearnerOptions.defaults()),
      new Learner("network", LearnerOptions.network()));
  static final int WINDOW = 500;
  /** The final stretch the accuracies are reported on: long enough for a 0.2-point standard error. */
  static final int FINAL = 5_000;
  static final double RECOVERY_GAP = 0.03;

  @Override
  public String name() {
    return "bt-stream";
  }

  @Override
  public Result run(Context context) {
    int pairs = context.quick() ? 2000 : 50_000;
    int last = Math.min(FINAL, pairs / 2);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("pairs_per_run", pairs);
    figures.put("labeler_temperature", 0.5);
    figures.put("window", WINDOW);
    figures.put("final_pairs", last);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
        "%d simulated text pairs per run, labeler temperature 0.5, batches of %d scored before training. Accuracies "
            + "over the last %d pairs; the expected accuracy vs labels is what the model's choices score against the "
            + "labeler's true probabilities (the labels' coin flips averaged out), the quantity the Bayes-optimal "
            + "accuracy bounds. Recovery on windows of %d pairs.%n%n| learner | run | accuracy vs labels | "
            + "expected accuracy vs labels | Bayes-optimal | gap | accuracy vs true order | "
            + "pairs to recover after drift |%n|---|---|---|---|---|---|---|---|%n", pairs, BATCH, last, WINDOW));
    Result result = Result.of(figures, "");
    for (Learner learner : LEARNERS) {
      for (Scenario scenario : List.of(Scenario.STATIONARY, Scenario.PREFERENCE_DRIFT)) {
        Map<String, Object> run = run(scenario, learner.options(), pairs, last, context);
        String key = learner.key().equals(DEFAULT) ? scenario.cliName()
            : learner.key() + "-" + scenario.cliName();
        run.put("learner", learner.options().describe());
        figures.put(key, run);
        md.append(String.format(Locale.ROOT, "| %s | %s | %.1f%% | %.2f%% | %.2f%% | %.2f pts | %.1f%% | %s |%n",
            learner.options().describe() + (learner.key().equals(DEFAULT) ? " (default)" : ""),
            scenario.cliName(), 100 * (double) run.get("final_label_accuracy"),
            100 * (double) run.get("final_expected_label_accuracy"), 100 * (double) run.get("final_bayes_optimal"),
            100 * (double) run.get("final_gap"), 100 * (double) run.get("final_true_order_accuracy"),
            scenario == Scenario.PREFERENCE_DRIFT
                ? (run.get("recovery_pairs") == null ? "not within the run" : run.get("recovery_pairs")) : "–"));
        @SuppressWarnings("unchecked")
        Map<String, double[]> curve = (Map<String, double[]>) run.remove("curve");
        if (learner.key().equals(DEFAULT)) {
          String file = "bt-stream-" + scenario.cliName() + ".svg";
          result.plots().put(file, Chart.lines("Bradley-Terry stream, " + scenario.cliName()
              + ": sliding-window accuracy", "pairs seen", "accuracy", List.of(
              Chart.Series.line("vs labels", "#1f77b4", curve.get("x"), curve.get("label")),
              Chart.Series.line("vs true order", "#2ca02c", curve.get("x"), curve.get("true")),
              Chart.Series.line("Bayes-optimal (vs labels)", "#d62728", curve.get("x"), curve.get("bayes"))
                  .asDashed())));
        }
      }
    }
    md.append("\n![stationary](bt-stream-stationary.svg)\n![preference drift](bt-stream-preference-drift.svg)\n");
    return new Result(figures, md.toString(), result.plots());
  }

  private static Map<String, Object> run(Scenario scenario, LearnerOptions options, int n, int last,
      Context context) {
    List<PairCollector.LabelledPair> pairs = PairCollector.simulateText(scenario, n, context.seed());
    FeatureSpec spec = FeatureSpec.DEFAULT;
    Featurizer featurizer = new Featurizer(spec);
    double[] label = new double[n];
    double[] trueOrder = new double[n];
    double[] bayes = new double[n];
    double[] expected = new double[n];
    try (RewardLearner learner = RewardLearner.create(spec, options)) {
      for (int from = 0; from < n; from += BATCH) {
        List<TrainingExample> batch = new ArrayList<>();
        for (int i = from; i < Math.min(n, from + BATCH); i++) {
          batch.add(Examples.of(featurizer, pairs.get(i)));
        }
        double[] margins = Examples.margins(learner, batch);
        for (int k = 0; k < batch.size(); k++) {
          PairCollector.LabelledPair pair = pairs.get(from + k);
          double rA = Double.parseDouble(pair.a().getMetadata().get(ScenarioSimulator.TRUE_REWARD));
          double rB = Double.parseDouble(pair.b().getMetadata().get(ScenarioSimulator.TRUE_REWARD));
          label[from + k] = (margins[k] > 0) == (batch.get(k).getTarget() > 0.5f) ? 1 : 0;
          trueOrder[from + k] = (margins[k] > 0) == (rA > rB) ? 1 : 0;
          bayes[from + k] = Double.parseDouble(pair.preference().getMetadata().get(ScenarioSimulator.BAYES_OPTIMAL));
          // The labeler prefers the truly better side with probability bayes: siding with it scores that on average.
          expected[from + k] = trueOrder[from + k] == 1 ? bayes[from + k] : 1 - bayes[from + k];
        }
        learner.trainStep(batch);
        if ((from / BATCH) % 250 == 0) {
          context.progress().accept(String.format(Locale.ROOT, "bt-stream %s %s: %d/%d pairs", options.describe(),
              scenario.cliName(), from, n));
        }
      }
    }
    int step = 100;
    int points = (n - WINDOW) / step + 1;
    double[] x = new double[points];
    double[] wLabel = new double[points];
    double[] wTrue = new double[points];
    double[] wBayes = new double[points];
    Integer recovery = null;
    int drift = (int) Math.ceil(n * Scenario.DRIFT_POINT);
    for (int p = 0; p < points; p++) {
      int end = WINDOW + p * step;
      x[p] = end;
      wLabel[p] = mean(label, end - WINDOW, end);
      wTrue[p] = mean(trueOrder, end - WINDOW, end);
      wBayes[p] = mean(bayes, end - WINDOW, end);
      if (scenario == Scenario.PREFERENCE_DRIFT && recovery == null && end - WINDOW >= drift
          && wLabel[p] >= wBayes[p] - RECOVERY_GAP) {
        recovery = end - drift;
      }
    }
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("final_label_accuracy", Stats.round(mean(label, n - last, n)));
    run.put("final_expected_label_accuracy", Stats.round(mean(expected, n - last, n)));
    run.put("final_true_order_accuracy", Stats.round(mean(trueOrder, n - last, n)));
    run.put("final_bayes_optimal", Stats.round(mean(bayes, n - last, n)));
    run.put("final_gap", Stats.round(mean(bayes, n - last, n) - mean(expected, n - last, n)));
    run.put("overall_label_accuracy", Stats.round(mean(label, 0, n)));
    run.put("overall_bayes_optimal", Stats.round(mean(bayes, 0, n)));
    if (scenario == Scenario.PREFERENCE_DRIFT) {
      run.put("drift_at_pair", drift);
      run.put("recovered", recovery != null);
      run.put("recovery_pairs", recovery);
    }
    run.put("curve", Map.of("x", x, "label", wLabel, "true", wTrue, "bayes", wBayes));
    context.progress().accept(String.format(Locale.ROOT, "bt-stream %s %s: last %d pairs %.3f vs labels (expected "
        + "%.4f), Bayes-optimal %.4f", options.describe(), scenario.cliName(), last, mean(label, n - last, n), mean(expected, n - last, n),
        mean(bayes, n - last, n)));
    return run;
  }

  private static double mean(double[] values, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return sum / (to - from);
  }
}
