package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.RewardLearner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Two attributes that pull apart, learned from one stream of labels that each name the attribute they judge: the
 * trainer's attribute heads against one head trained on the same labels with their names ignored.
 *
 * <p>The world: answers of 4 to 30 words over a 300-word vocabulary. <b>helpfulness</b> is the content (40 % of words
 * carry a value ~ N(0, 1), summed and divided by √n) plus thoroughness (+0.06 per word); <b>conciseness</b> is −0.1
 * per word and −0.4 per filler word (a hidden seventh of the vocabulary). Longer answers are more helpful and less
 * concise, so the two disagree on many pairs. Each label picks one attribute at random and is a Bradley-Terry draw
 * (T 0.3) on it. Measured on fresh pairs against the hidden truth: each head on its own attribute, the single head on
 * both, and the served reward under several configured weightings against the same weighting of the true attributes.
 */
final class MultiAttributeBench implements BenchScenario {

  private static final int[] COUNTS = {250, 500, 1000, 2000, 4000};
  private static final int[] QUICK_COUNTS = {250, 1000};
  private static final int SEEDS = 3;
  private static final int FRESH_PAIRS = 1000;
  private static final double TEMPERATURE = 0.3;
  /** helpfulness weights; conciseness gets 1 − w. */
  private static final double[] WEIGHTS = {1.0, 0.8, 0.5, 0.2, 0.0};
  private static final LabelWorlds.Spec CONTENT = new LabelWorlds.Spec("attributes300", 300, 0, 0.4, 1,
      LabelWorlds.Norm.SQRT_LENGTH, 0, TEMPERATURE, 0, 0, 0, 0, 4, 30, "The content part of helpfulness.");

  @Override
  public String name() {
    return "multi-attribute";
  }

  /** The world's two true attributes of an answer. */
  private record Truth(double helpfulness, double conciseness) {
    double weighted(double w) {
      return w * helpfulness + (1 - w) * conciseness;
    }
  }

  private static Truth truth(LabelWorlds.World world, int[] ids) {
    int filler = 0;
    for (int id : ids) {
      filler += id % 7 == 0 ? 1 : 0;
    }
    return new Truth(world.reward(ids) + 0.06 * ids.length, -0.1 * ids.length - 0.4 * filler);
  }

  /** Fresh-pair accuracies of one seed after each count: [count][measure]. */
  private record Curves(double[][] values) {}

  // Measures, in order: helpful head vs H, concise head vs C, single vs H, single vs C, then per weighting w:
  // served(w) vs truth(w), single vs truth(w).
  private static final int MEASURES = 4 + 2 * WEIGHTS.length;

  @Override
  public Result run(Context context) {
    int[] counts = context.quick() ? QUICK_COUNTS : COUNTS;
    int seeds = context.quick() ? 1 : SEEDS;
    int fresh = context.quick() ? 500 : FRESH_PAIRS;
    double[][][] bySeed = new double[seeds][][];
    for (int s = 0; s < seeds; s++) {
      bySeed[s] = curves(context.seed() * 1000 + s + 1, counts, fresh);
      context.progress().accept(String.format(Locale.ROOT, "multi-attribute seed %d: heads %.3f / %.3f, single "
          + "%.3f / %.3f after %d labels", s + 1, bySeed[s][counts.length - 1][0], bySeed[s][counts.length - 1][1],
          bySeed[s][counts.length - 1][2], bySeed[s][counts.length - 1][3], counts[counts.length - 1]));
    }
    double[][] mean = new double[counts.length][MEASURES];
    double[][] sd = new double[counts.length][MEASURES];
    for (int c = 0; c < counts.length; c++) {
      for (int m = 0; m < MEASURES; m++) {
        double[] values = new double[seeds];
        for (int s = 0; s < seeds; s++) {
          values[s] = bySeed[s][c][m];
        }
        mean[c][m] = Stats.mean(values);
        sd[c][m] = Stats.sd(values);
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("world", "300 words; helpfulness = Σ values/√n + 0.06·n, conciseness = −0.1·n − 0.4·fillers; "
        + "each label judges one attribute, chosen at random, Bradley-Terry T " + TEMPERATURE);
    figures.put("seeds", seeds);
    figures.put("fresh_pairs", fresh);
    figures.put("learner", LearnerOptions.defaults().describe());
    figures.put("attribute_disagreement", Stats.round(disagreement(context.seed() * 1000 + 1, fresh)));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("labels", counts[c]);
      row.put("helpfulness_head", Stats.round(mean[c][0]));
      row.put("conciseness_head", Stats.round(mean[c][1]));
      row.put("single_head_on_helpfulness", Stats.round(mean[c][2]));
      row.put("single_head_on_conciseness", Stats.round(mean[c][3]));
      Map<String, Object> weighted = new LinkedHashMap<>();
      for (int w = 0; w < WEIGHTS.length; w++) {
        weighted.put(weightLabel(WEIGHTS[w]), Map.of("served", Stats.round(mean[c][4 + 2 * w]),
            "single_head", Stats.round(mean[c][5 + 2 * w])));
      }
      row.put("weighted", weighted);
      row.put("sd_helpfulness_head", Stats.round(sd[c][0]));
      row.put("sd_conciseness_head", Stats.round(sd[c][1]));
      rows.add(row);
    }
    figures.put("curves", rows);
    int last = counts.length - 1;
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "Two attributes that pull apart, learned from one "
        + "stream whose labels each name the attribute they judge (half each, at random). 300-word vocabulary, "
        + "answers of 4-30 words; **helpfulness** = Σ word values/√n + 0.06·n (content and thoroughness), "
        + "**conciseness** = −0.1·n − 0.4 per filler word; Bradley-Terry labels at T %.1f. On %.0f %% of fresh pairs "
        + "the two attributes order the answers differently. Learners: `--attributes helpfulness=w,conciseness=1−w` "
        + "(one default online-linear head per attribute) against the default single head on the same labels, "
        + "names ignored. Accuracy against the hidden truth on %,d fresh pairs, mean ± sd over %d seed(s).%n%n"
        + "| labels | helpfulness head | conciseness head | single head on helpfulness | single head on conciseness |%n"
        + "|---|---|---|---|---|%n", TEMPERATURE, 100 * disagreement(context.seed() * 1000 + 1, fresh), fresh, seeds));
    for (int c = 0; c < counts.length; c++) {
      md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s |%n", counts[c], cell(mean[c][0], sd[c][0]),
          cell(mean[c][1], sd[c][1]), cell(mean[c][2], sd[c][2]), cell(mean[c][3], sd[c][3])));
    }
    md.append(String.format(Locale.ROOT, "%nThe served reward follows the configured weights: after %,d labels, the "
        + "accuracy of the reward served with weights w / 1−w against the true w·helpfulness + (1−w)·conciseness, "
        + "beside the single head's against the same target (it has no weights to set).%n%n"
        + "| weights (helpfulness/conciseness) | served | single head |%n|---|---|---|%n", counts[last]));
    for (int w = 0; w < WEIGHTS.length; w++) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", weightLabel(WEIGHTS[w]),
          cell(mean[last][4 + 2 * w], sd[last][4 + 2 * w]), cell(mean[last][5 + 2 * w], sd[last][5 + 2 * w])));
    }
    List<Chart.Series> series = new ArrayList<>();
    double[] x = new double[counts.length];
    for (int c = 0; c < counts.length; c++) {
      x[c] = counts[c];
    }
    series.add(Chart.Series.line("helpfulness head", "#1f77b4", x, column(mean, 0)));
    series.add(Chart.Series.line("single head on helpfulness", "#1f77b4", x, column(mean, 2)).asDashed());
    series.add(Chart.Series.line("conciseness head", "#d62728", x, column(mean, 1)));
    series.add(Chart.Series.line("single head on conciseness", "#d62728", x, column(mean, 3)).asDashed());
    md.append("\n![attribute heads against one head](multi-attribute.svg)\n");
    Result result = Result.of(figures, md.toString());
    result.plots().put("multi-attribute.svg", Chart.lines("Attribute heads vs one head on the same labels",
        "labels", "accuracy vs true order of the attribute (fresh pairs)", series));
    return result;
  }

  private static double[][] curves(long seed, int[] counts, int freshPairs) {
    FeatureSpec features = FeatureSpec.DEFAULT;
    Featurizer featurizer = new Featurizer(features);
    LabelWorlds.World world = new LabelWorlds.World(CONTENT, seed);
    Random evaluation = new Random(seed * 31 + 1);
    List<SparseFeatures> freshA = new ArrayList<>();
    List<SparseFeatures> freshB = new ArrayList<>();
    List<Truth[]> freshTruth = new ArrayList<>();
    for (int i = 0; i < freshPairs; i++) {
      String prompt = world.prompt(evaluation);
      int[] a = world.response(evaluation);
      int[] b = world.response(evaluation);
      freshA.add(featurizer.featurizeText(prompt, world.text(a)));
      freshB.add(featurizer.featurizeText(prompt, world.text(b)));
      freshTruth.add(new Truth[] {truth(world, a), truth(world, b)});
    }
    RewardAttributes attributes = RewardAttributes.parse("helpfulness=0.5,conciseness=0.5");
    double[][] out = new double[counts.length][MEASURES];
    Random stream = new Random(seed * 31 + 2);
    Random labeler = new Random(seed * 31 + 3);
    try (RewardLearner heads = RewardLearner.create(features, LearnerOptions.defaults().withAttributes(attributes));
        RewardLearner single = RewardLearner.create(features, LearnerOptions.defaults())) {
      int c = 0;
      for (int label = 1; label <= counts[counts.length - 1]; label++) {
        String prompt = world.prompt(stream);
        int[] a = world.response(stream);
        int[] b = world.response(stream);
        boolean helpfulness = stream.nextBoolean();
        Truth ta = truth(world, a);
        Truth tb = truth(world, b);
        double difference = helpfulness ? ta.helpfulness() - tb.helpfulness() : ta.conciseness() - tb.conciseness();
        boolean aPreferred = labeler.nextDouble() < 1 / (1 + Math.exp(-difference / TEMPERATURE));
        TrainingExample example = TrainingExample.newBuilder(LabelStreams.example(features, "l-" + label,
                List.of(featurizer.featurizeText(prompt, world.text(a))),
                List.of(featurizer.featurizeText(prompt, world.text(b))), aPreferred))
            .setAttribute(helpfulness ? "helpfulness" : "conciseness").build();
        heads.trainStep(List.of(example));
        single.trainStep(List.of(example));
        if (label == counts[c]) {
          out[c++] = measure(heads, single, freshA, freshB, freshTruth);
        }
      }
    }
    return out;
  }

  private static double[] measure(RewardLearner heads, RewardLearner single, List<SparseFeatures> freshA,
      List<SparseFeatures> freshB, List<Truth[]> truth) {
    double[] helpfulMargin = margins(heads, 0, freshA, freshB);
    double[] conciseMargin = margins(heads, 1, freshA, freshB);
    double[] singleMargin = margins(single, 0, freshA, freshB);
    double[] out = new double[MEASURES];
    int n = truth.size();
    for (int i = 0; i < n; i++) {
      Truth a = truth.get(i)[0];
      Truth b = truth.get(i)[1];
      out[0] += agrees(helpfulMargin[i], a.helpfulness() - b.helpfulness()) / n;
      out[1] += agrees(conciseMargin[i], a.conciseness() - b.conciseness()) / n;
      out[2] += agrees(singleMargin[i], a.helpfulness() - b.helpfulness()) / n;
      out[3] += agrees(singleMargin[i], a.conciseness() - b.conciseness()) / n;
      for (int w = 0; w < WEIGHTS.length; w++) {
        double weight = WEIGHTS[w];
        // What the scorer serves with these weights: the weighted heads (AttributeHeads.score, LoadedModel).
        double served = weight * helpfulMargin[i] + (1 - weight) * conciseMargin[i];
        double target = a.weighted(weight) - b.weighted(weight);
        out[4 + 2 * w] += agrees(served, target) / n;
        out[5 + 2 * w] += agrees(singleMargin[i], target) / n;
      }
    }
    return out;
  }

  private static double agrees(double margin, double truth) {
    if (truth == 0) {
      return 0.5;
    }
    return margin == 0 ? 0.5 : (margin > 0) == (truth > 0) ? 1 : 0;
  }

  private static double[] margins(RewardLearner learner, int head, List<SparseFeatures> a, List<SparseFeatures> b) {
    float[] ra = learner.scoreHead(head, a);
    float[] rb = learner.scoreHead(head, b);
    double[] out = new double[ra.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ra[i] - rb[i];
    }
    return out;
  }

  /** Share of fresh pairs the two true attributes order differently. */
  private static double disagreement(long seed, int pairs) {
    LabelWorlds.World world = new LabelWorlds.World(CONTENT, seed);
    Random r = new Random(seed * 31 + 1);
    int differ = 0;
    for (int i = 0; i < pairs; i++) {
      world.prompt(r);
      Truth a = truth(world, world.response(r));
      Truth b = truth(world, world.response(r));
      differ += (a.helpfulness() > b.helpfulness()) != (a.conciseness() > b.conciseness()) ? 1 : 0;
    }
    return (double) differ / pairs;
  }

  private static String weightLabel(double w) {
    return String.format(Locale.ROOT, "%.1f/%.1f", w, 1 - w);
  }

  private static String cell(double mean, double sd) {
    return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean, 100 * sd);
  }

  private static double[] column(double[][] values, int m) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i][m];
    }
    return out;
  }

}
