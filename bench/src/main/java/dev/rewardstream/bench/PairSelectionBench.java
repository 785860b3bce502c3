package dev.rewardstream.bench;

import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.Logistic;
import dev.rewardstream.model.PairInformation;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.OnlineLinearMixture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Active pair selection against random selection: each round a prompt gets {@value #CANDIDATES} answers, and one pair
 * of them is labelled, either a random pair or the pair whose label the current model expects to teach it most
 * (the largest expected information gain, {@link PairInformation}, from the model's margin and its posterior spread,
 * which is what {@code POST /v1/pairs} and the pair-suggestions topic compute from a published version's members and
 * its unseen-weight variance). Both strategies see the same answers and the same
 * labeler; the default learner learns each label as it comes. The figure: how many labels active selection needs to
 * reach the accuracy random selection has at {@value #REFERENCE_LABELS} labels (goal: half or fewer).
 *
 * <p>Beside it, a reference for what the answers offered hold: an oracle that knows the hidden reward tries each
 * pair's two labels on a copy of the learner and picks the pair whose label, weighted by the labeler's true odds,
 * leaves the model's log-likelihood of the true odds highest on {@value #ORACLE_PAIRS} pairs of its own. It looks one
 * label ahead, so it is not a bound; where even it needs more than half the labels, a selector that knows only the
 * model cannot be expected to halve them.
 */
final class PairSelectionBench implements BenchScenario {

  static final int CANDIDATES = 4;
  static final int REFERENCE_LABELS = 2000;
  private static final int MAX_LABELS = 3000;
  private static final int STEP = 100;
  private static final int FRESH_PAIRS = 1000;
  private static final int ORACLE_PAIRS = 500;
  private static final int SEEDS = 5;
  private static final List<String> QUICK_WORLDS = List.of("issue200", "hardzipf2k");
  private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  private static final String[] LIGHT_PALETTE = {"#9ecae1", "#fc9272", "#a1d99b", "#bcbddc"};

  private enum Selection { RANDOM, ACTIVE, ORACLE }

  @Override
  public String name() {
    return "pair-selection";
  }

  @Override
  public Result run(Context context) {
    List<LabelWorlds.Spec> worlds = context.quick()
        ? QUICK_WORLDS.stream().map(LabelWorlds::named).toList() : LabelWorlds.ALL;
    int seeds = context.quick() ? 1 : SEEDS;
    int maxLabels = context.quick() ? 600 : MAX_LABELS;
    int reference = context.quick() ? 300 : REFERENCE_LABELS;
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("candidates_per_prompt", CANDIDATES);
    figures.put("reference_labels", reference);
    figures.put("seeds", seeds);
    figures.put("learner", LearnerOptions.defaults().describe());
    Map<String, Object> byWorld = new LinkedHashMap<>();
    figures.put("worlds", byWorld);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "Each round a prompt gets %d answers and one pair "
        + "of them is labelled (Bradley-Terry on the hidden reward): a random pair, or the pair with the largest "
        + "expected information gain under the current model. Default learner, one update per label; accuracy vs the "
        + "hidden true order on %,d fresh random pairs, mean over %d seed(s). **Labels to match random@%,d** is the "
        + "first multiple of %d labels at which a selection reaches random selection's accuracy at %,d labels "
        + "(goal: ≤ half). **Oracle**: what the same answers hold for a chooser that knows the hidden reward: it "
        + "tries each pair's two labels on a copy of the learner and keeps the pair whose label (weighted by the "
        + "labeler's true odds) best fits the true odds of %d pairs of its own. It looks one label ahead: a "
        + "reference, not a bound.%n%n"
        + "**Per seed**: the same figure for each seed against that seed's own random curve, which says how far it "
        + "moves with the draws.%n%n"
        + "| world | random @%,d | active @%,d | active: labels to match | ratio | per seed | oracle @%,d | oracle: "
        + "labels to match | ratio |%n|---|---|---|---|---|---|---|---|---|%n", CANDIDATES, FRESH_PAIRS, seeds,
        reference, STEP, reference, ORACLE_PAIRS, reference, reference, reference));
    List<Chart.Series> curves = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (LabelWorlds.Spec spec : worlds) {
      int points = maxLabels / STEP;
      double[] random = new double[points];
      double[] active = new double[points];
      double[] oracle = new double[points];
      List<Integer> perSeed = new ArrayList<>();
      for (int seed = 1; seed <= seeds; seed++) {
        double[] r = curve(spec, context.seed() * 1000 + seed, Selection.RANDOM, maxLabels);
        double[] a = curve(spec, context.seed() * 1000 + seed, Selection.ACTIVE, maxLabels);
        double[] o = curve(spec, context.seed() * 1000 + seed, Selection.ORACLE, maxLabels);
        perSeed.add(labelsToReach(a, r[reference / STEP - 1]));
        for (int p = 0; p < points; p++) {
          random[p] += r[p] / seeds;
          active[p] += a[p] / seeds;
          oracle[p] += o[p] / seeds;
        }
      }
      double target = random[reference / STEP - 1];
      Integer needed = labelsToReach(active, target);
      Integer oracleNeeded = labelsToReach(oracle, target);
      Map<String, Object> world = new LinkedHashMap<>();
      world.put("random_accuracy_at_reference", Stats.round(target));
      world.put("active_accuracy_at_reference", Stats.round(active[reference / STEP - 1]));
      world.put("active_labels_to_match", needed);
      world.put("ratio", needed == null ? null : Stats.round((double) needed / reference));
      world.put("active_labels_to_match_per_seed", perSeed);
      world.put("oracle_accuracy_at_reference", Stats.round(oracle[reference / STEP - 1]));
      world.put("oracle_labels_to_match", oracleNeeded);
      world.put("oracle_ratio", oracleNeeded == null ? null : Stats.round((double) oracleNeeded / reference));
      world.put("random_curve", round(random));
      world.put("active_curve", round(active));
      world.put("oracle_curve", round(oracle));
      byWorld.put(spec.name(), world);
      if (needed != null) {
        ratios.add((double) needed / reference);
      }
      md.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %s | %s | %s | %.1f%% | %s | %s |%n",
          spec.name(), 100 * target, 100 * active[reference / STEP - 1], labels(needed, maxLabels),
          ratio(needed, reference), String.join(" / ", perSeed.stream().map(n -> n == null ? ">" + String.format(
              "%,d", maxLabels) : String.format("%,d", n)).toList()),
          100 * oracle[reference / STEP - 1], labels(oracleNeeded, maxLabels), ratio(oracleNeeded, reference)));
      context.progress().accept(String.format(Locale.ROOT, "pair-selection %s: random@%d %.3f, active reaches it at "
          + "%s, the oracle at %s", spec.name(), reference, target, needed, oracleNeeded));
      if (curves.size() < 6) {
        double[] x = new double[points];
        for (int p = 0; p < points; p++) {
          x[p] = (p + 1) * STEP;
        }
        String color = PALETTE[curves.size() / 3 % PALETTE.length];
        String light = LIGHT_PALETTE[curves.size() / 3 % LIGHT_PALETTE.length];
        curves.add(Chart.Series.line(spec.name() + " random", color, x, random).asDashed());
        curves.add(Chart.Series.line(spec.name() + " active", color, x, active));
        curves.add(Chart.Series.line(spec.name() + " oracle (knows the reward)", light, x, oracle));
      }
    }
    figures.put("worlds_within_half", ratios.stream().filter(r -> r <= 0.5).count());
    figures.put("median_ratio", ratios.isEmpty() ? null : Stats.round(Stats.percentile(ratios, 50)));
    md.append("\n![active vs random selection](pair-selection.svg)\n");
    Result result = Result.of(figures, md.toString());
    result.plots().put("pair-selection.svg", Chart.lines("Active vs random pair selection",
        "labels", "accuracy vs true order (fresh pairs)", curves));
    return result;
  }

  private static Integer labelsToReach(double[] curve, double target) {
    for (int p = 0; p < curve.length; p++) {
      if (curve[p] >= target) {
        return (p + 1) * STEP;
      }
    }
    return null;
  }

  private static String labels(Integer needed, int maxLabels) {
    return needed == null ? "not within " + String.format("%,d", maxLabels) : String.format("%,d", needed);
  }

  private static String ratio(Integer needed, int reference) {
    return needed == null ? "–" : String.format(Locale.ROOT, "%.2f", (double) needed / reference);
  }

  /** Fresh-pair accuracy after every {@value #STEP} labels. */
  private static double[] curve(LabelWorlds.Spec spec, long seed, Selection selection, int maxLabels) {
    FeatureSpec features = FeatureSpec.DEFAULT;
    Featurizer featurizer = new Featurizer(features);
    LabelWorlds.World world = new LabelWorlds.World(spec, seed);
    // The same answers and labeler draws for both strategies; only the choice of pair differs.
    Random answers = new Random(seed * 31 + 7);
    Random labeler = new Random(seed * 31 + 8);
    Random choice = new Random(seed * 31 + 9);
    List<TruePair> fresh = truePairs(world, featurizer, new Random(seed * 31 + 10), FRESH_PAIRS);
    List<TruePair> oracleSet = selection == Selection.ORACLE
        ? truePairs(world, featurizer, new Random(seed * 31 + 12), ORACLE_PAIRS) : List.of();
    double[] accuracy = new double[maxLabels / STEP];
    try (OnlineLinearMixture learner = new OnlineLinearMixture(features, LearnerOptions.defaults())) {
      for (int label = 1; label <= maxLabels; label++) {
        String prompt = world.prompt(answers);
        int[][] ids = new int[CANDIDATES][];
        List<SparseFeatures> candidates = new ArrayList<>(CANDIDATES);
        for (int c = 0; c < CANDIDATES; c++) {
          ids[c] = world.response(answers);
          candidates.add(featurizer.featurizeText(prompt, world.text(ids[c])));
        }
        double[] rewards = new double[CANDIDATES];
        for (int c = 0; c < CANDIDATES; c++) {
          rewards[c] = world.reward(ids[c]);
        }
        int[] pair = switch (selection) {
          case RANDOM -> randomPair(choice);
          case ACTIVE -> mostInformative(learner, candidates);
          case ORACLE -> oracle(learner, features, world, candidates, rewards, oracleSet);
        };
        double rewardA = rewards[pair[0]];
        double rewardB = rewards[pair[1]];
        boolean aPreferred = labeler.nextDouble() < world.probabilityA(rewardA, rewardB);
        TrainingExample example = LabelStreams.example(features, "l-" + label, List.of(candidates.get(pair[0])),
            List.of(candidates.get(pair[1])), aPreferred);
        learner.trainStep(List.of(example));
        if (label % STEP == 0) {
          float[] margins = margins(learner, fresh);
          double correct = 0;
          for (int i = 0; i < fresh.size(); i++) {
            correct += margins[i] == 0 ? 0.5 : (margins[i] > 0) == (fresh.get(i).difference() > 0) ? 1 : 0;
          }
          accuracy[label / STEP - 1] = correct / fresh.size();
        }
      }
    }
    return accuracy;
  }

  /** Two answers to one prompt, featurized, and the hidden reward's difference between them (never 0). */
  private record TruePair(SparseFeatures a, SparseFeatures b, double difference) {}

  private static List<TruePair> truePairs(LabelWorlds.World world, Featurizer featurizer, Random random, int count) {
    List<TruePair> pairs = new ArrayList<>(count);
    while (pairs.size() < count) {
      String prompt = world.prompt(random);
      int[] a = world.response(random);
      int[] b = world.response(random);
      double difference = world.reward(a) - world.reward(b);
      if (difference != 0) {
        pairs.add(new TruePair(featurizer.featurizeText(prompt, world.text(a)), featurizer.featurizeText(prompt,
            world.text(b)), difference));
      }
    }
    return pairs;
  }

  private static float[] margins(OnlineLinearMixture learner, List<TruePair> pairs) {
    return learner.margins(pairs.stream().map(TruePair::a).toList(), pairs.stream().map(TruePair::b).toList()).mean();
  }

  /**
   * The pair whose label, expected over the labeler's true odds, leaves the learner's log-likelihood of the true odds
   * on {@code oracleSet} highest. Log-likelihood rather than accuracy: one label moves few of 500 pairs across the
   * line, and accuracy's ties made a first try of this oracle no better than random selection.
   */
  private static int[] oracle(OnlineLinearMixture learner, FeatureSpec features, LabelWorlds.World world,
      List<SparseFeatures> candidates, double[] rewards, List<TruePair> oracleSet) {
    int[] best = null;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < candidates.size(); i++) {
      for (int j = i + 1; j < candidates.size(); j++) {
        double pA = world.probabilityA(rewards[i], rewards[j]);
        double expected = 0;
        for (boolean aPreferred : new boolean[] {true, false}) {
          try (OnlineLinearMixture tried = learner.copy()) {
            tried.trainStep(List.of(LabelStreams.example(features, "oracle", List.of(candidates.get(i)),
                List.of(candidates.get(j)), aPreferred)));
            expected += (aPreferred ? pA : 1 - pA) * logLikelihood(tried, world, oracleSet);
          }
        }
        if (expected > bestValue) {
          bestValue = expected;
          best = new int[] {i, j};
        }
      }
    }
    return best;
  }

  private static double logLikelihood(OnlineLinearMixture learner, LabelWorlds.World world, List<TruePair> pairs) {
    float[] margins = margins(learner, pairs);
    double total = 0;
    for (int i = 0; i < pairs.size(); i++) {
      double truth = world.probabilityA(pairs.get(i).difference(), 0);
      total += truth * Logistic.logSigmoid(margins[i]) + (1 - truth) * Logistic.logSigmoid(-margins[i]);
    }
    return total;
  }

  private static int[] randomPair(Random choice) {
    int a = choice.nextInt(CANDIDATES);
    int b = choice.nextInt(CANDIDATES - 1);
    return new int[] {a, b >= a ? b + 1 : b};
  }

  private static int[] mostInformative(OnlineLinearMixture learner, List<SparseFeatures> candidates) {
    List<SparseFeatures> a = new ArrayList<>();
    List<SparseFeatures> b = new ArrayList<>();
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      for (int j = i + 1; j < candidates.size(); j++) {
        a.add(candidates.get(i));
        b.add(candidates.get(j));
        pairs.add(new int[] {i, j});
      }
    }
    Ensemble margins = learner.margins(a, b);
    int best = 0;
    double bestInformation = -1;
    for (int p = 0; p < pairs.size(); p++) {
      double information = PairInformation.ofGaussian(margins.mean()[p], margins.std()[p]).information();
      if (information > bestInformation) {
        best = p;
        bestInformation = information;
      }
    }
    return pairs.get(best);
  }

  private static List<Double> round(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(Stats.round(v));
    }
    return out;
  }
}
