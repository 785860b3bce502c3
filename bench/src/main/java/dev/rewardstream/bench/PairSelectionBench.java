package dev.rewardstream.bench;

import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.PairInformation;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.RewardLearner;
import java.time.Instant;
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
 */
final class PairSelectionBench implements BenchScenario {

  static final int CANDIDATES = 4;
  static final int REFERENCE_LABELS = 2000;
  private static final int MAX_LABELS = 3000;
  private static final int STEP = 100;
  private static final int FRESH_PAIRS = 1000;
  private static final int SEEDS = 3;
  private static final List<String> QUICK_WORLDS = List.of("issue200", "hardzipf2k");
  private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

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
        + "first multiple of %d labels at which active selection reaches random selection's accuracy at %,d labels "
        + "(goal: ≤ half).%n%n| world | random @%,d | active @%,d | labels to match random@%,d | ratio |%n"
        + "|---|---|---|---|---|%n", CANDIDATES, FRESH_PAIRS, seeds, reference, STEP, reference, reference, reference,
        reference));
    List<Chart.Series> curves = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (LabelWorlds.Spec spec : worlds) {
      int points = maxLabels / STEP;
      double[] random = new double[points];
      double[] active = new double[points];
      for (int seed = 1; seed <= seeds; seed++) {
        double[] r = curve(spec, context.seed() * 1000 + seed, false, maxLabels);
        double[] a = curve(spec, context.seed() * 1000 + seed, true, maxLabels);
        for (int p = 0; p < points; p++) {
          random[p] += r[p] / seeds;
          active[p] += a[p] / seeds;
        }
      }
      double target = random[reference / STEP - 1];
      Integer needed = null;
      for (int p = 0; p < points; p++) {
        if (active[p] >= target) {
          needed = (p + 1) * STEP;
          break;
        }
      }
      Map<String, Object> world = new LinkedHashMap<>();
      world.put("random_accuracy_at_reference", Stats.round(target));
      world.put("active_accuracy_at_reference", Stats.round(active[reference / STEP - 1]));
      world.put("active_labels_to_match", needed);
      world.put("ratio", needed == null ? null : Stats.round((double) needed / reference));
      world.put("random_curve", round(random));
      world.put("active_curve", round(active));
      byWorld.put(spec.name(), world);
      if (needed != null) {
        ratios.add((double) needed / reference);
      }
      md.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %s | %s |%n", spec.name(), 100 * target,
          100 * active[reference / STEP - 1], needed == null ? "not within " + maxLabels : String.format("%,d", needed),
          needed == null ? "–" : String.format(Locale.ROOT, "%.2f", (double) needed / reference)));
      context.progress().accept(String.format(Locale.ROOT, "pair-selection %s: random@%d %.3f, active reaches it at %s",
          spec.name(), reference, target, needed));
      if (curves.size() < 4) {
        double[] x = new double[points];
        for (int p = 0; p < points; p++) {
          x[p] = (p + 1) * STEP;
        }
        String color = PALETTE[curves.size() / 2 % PALETTE.length];
        curves.add(Chart.Series.line(spec.name() + " random", color, x, random).asDashed());
        curves.add(Chart.Series.line(spec.name() + " active", color, x, active));
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

  /** Fresh-pair accuracy after every {@value #STEP} labels. */
  private static double[] curve(LabelWorlds.Spec spec, long seed, boolean active, int maxLabels) {
    FeatureSpec features = FeatureSpec.DEFAULT;
    Featurizer featurizer = new Featurizer(features);
    LabelWorlds.World world = new LabelWorlds.World(spec, seed);
    // The same answers and labeler draws for both strategies; only the choice of pair differs.
    Random answers = new Random(seed * 31 + 7);
    Random labeler = new Random(seed * 31 + 8);
    Random choice = new Random(seed * 31 + 9);
    List<SparseFeatures> freshA = new ArrayList<>();
    List<SparseFeatures> freshB = new ArrayList<>();
    List<Double> freshTruth = new ArrayList<>();
    Random evaluation = new Random(seed * 31 + 10);
    while (freshTruth.size() < FRESH_PAIRS) {
      String prompt = world.prompt(evaluation);
      int[] a = world.response(evaluation);
      int[] b = world.response(evaluation);
      double difference = world.reward(a) - world.reward(b);
      if (difference == 0) {
        continue;
      }
      freshA.add(featurize(featurizer, prompt, world.text(a)));
      freshB.add(featurize(featurizer, prompt, world.text(b)));
      freshTruth.add(difference);
    }
    double[] accuracy = new double[maxLabels / STEP];
    try (RewardLearner learner = RewardLearner.create(features, LearnerOptions.defaults())) {
      for (int label = 1; label <= maxLabels; label++) {
        String prompt = world.prompt(answers);
        int[][] ids = new int[CANDIDATES][];
        List<SparseFeatures> candidates = new ArrayList<>(CANDIDATES);
        for (int c = 0; c < CANDIDATES; c++) {
          ids[c] = world.response(answers);
          candidates.add(featurize(featurizer, prompt, world.text(ids[c])));
        }
        int[] pair = active ? mostInformative(learner, candidates) : randomPair(choice);
        double rewardA = world.reward(ids[pair[0]]);
        double rewardB = world.reward(ids[pair[1]]);
        boolean aPreferred = labeler.nextDouble() < world.probabilityA(rewardA, rewardB);
        TrainingExample example = LabelStreams.example(features, "l-" + label, List.of(candidates.get(pair[0])),
            List.of(candidates.get(pair[1])), aPreferred);
        learner.trainStep(List.of(example));
        if (label % STEP == 0) {
          Ensemble margins = learner.margins(freshA, freshB);
          double correct = 0;
          for (int i = 0; i < freshTruth.size(); i++) {
            double m = margins.mean()[i];
            correct += m == 0 ? 0.5 : (m > 0) == (freshTruth.get(i) > 0) ? 1 : 0;
          }
          accuracy[label / STEP - 1] = correct / freshTruth.size();
        }
      }
    }
    return accuracy;
  }

  private static int[] randomPair(Random choice) {
    int a = choice.nextInt(CANDIDATES);
    int b = choice.nextInt(CANDIDATES - 1);
    return new int[] {a, b >= a ? b + 1 : b};
  }

  private static int[] mostInformative(RewardLearner learner, List<SparseFeatures> candidates) {
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

  private static SparseFeatures featurize(Featurizer featurizer, String prompt, String response) {
    return featurizer.featurize(Interaction.newBuilder().setInteractionId("").setAgentId("").setPolicyVersion("")
        .setEventTime(Instant.EPOCH).setPrompt(prompt).setResponse(response).build());
  }

  private static List<Double> round(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(Stats.round(v));
    }
    return out;
  }
}
