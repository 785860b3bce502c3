package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.scorer.ScorerConfig;
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
 * Process rewards on a simulated reasoning world whose truth is known: a solution is 3 to 8 steps; each step is wrong
 * with probability 0.15 (it carries one of 30 hidden error words), and one wrong step spoils the answer. Correct steps
 * that carry one of 40 hidden progress words are good, the others neutral. Three models on the system's featurizer
 * (responses cut into steps, each step featurized on its own, the response's reward the sum) and the default learner:
 *
 * <ul>
 *   <li><b>step labels</b>: PRM800K-style labels of each solution's steps (+1 good, 0 neutral, −1 bad), the labeler
 *       stopping at the first bad step as PRM800K's phase 2 did;
 *   <li><b>outcome only</b>: preferences between two solutions of the same problem, the correct one preferred (the
 *       outcome supervision an ORM learns from), spread over the steps as the sum of their rewards;
 *   <li><b>both</b>: the two streams interleaved.
 * </ul>
 *
 * Measured on fresh solutions: whether the first step judged bad (the first whose own reward is below −0.5, the
 * scorer's default) is the truly first wrong step, or none for a correct solution; and how often the solution's total
 * reward ranks a correct solution above a wrong one of the same problem.
 */
final class ProcessRewardBench implements BenchScenario {

  private static final int[] COUNTS = {100, 250, 500, 1000, 2000};
  private static final int[] QUICK_COUNTS = {100, 500};
  private static final int SEEDS = 3;
  private static final int FRESH = 1000;
  private static final double WRONG_STEP = 0.15;
  private static final int VOCABULARY = 400;
  private static final int ERROR_WORDS = 30;
  private static final int PROGRESS_WORDS = 40;
  private static final ResponseSteps STEPS = ResponseSteps.separatedBy("\\n");
  private static final FeatureSpec SPEC = FeatureSpec.DEFAULT.withSteps(STEPS);
  private static final String[] MODELS = {"step labels", "outcome only", "both"};

  @Override
  public String name() {
    return "process-rewards";
  }

  /** A solution's steps, and which are wrong (and good). */
  private record Solution(String prompt, List<String> steps, boolean[] wrong, boolean[] good) {
    int firstWrong() {
      for (int k = 0; k < wrong.length; k++) {
        if (wrong[k]) {
          return k;
        }
      }
      return -1;
    }

    boolean correct() {
      return firstWrong() < 0;
    }
  }

  private static final class World {
    final Random random;
    final String[] words = new String[VOCABULARY];

    World(long seed) {
      random = new Random(seed);
      for (int i = 0; i < VOCABULARY; i++) {
        StringBuilder w = new StringBuilder();
        int length = 4 + random.nextInt(5);
        for (int c = 0; c < length; c++) {
          w.append((char) ('a' + random.nextInt(26)));
        }
        words[i] = w.toString() + i;
      }
    }

    // Words 0..29 mark an error, 30..69 progress; the rest are neutral. The learner sees only text.
    Solution solution(Random r) {
      String prompt = "solve problem " + words[r.nextInt(VOCABULARY)] + " " + words[r.nextInt(VOCABULARY)];
      int k = 3 + r.nextInt(6);
      List<String> steps = new ArrayList<>(k);
      boolean[] wrong = new boolean[k];
      boolean[] good = new boolean[k];
      for (int s = 0; s < k; s++) {
        wrong[s] = r.nextDouble() < WRONG_STEP;
        good[s] = !wrong[s] && r.nextDouble() < 0.6;
        List<String> text = new ArrayList<>();
        int length = 5 + r.nextInt(6);
        for (int w = 0; w < length; w++) {
          text.add(words[ERROR_WORDS + PROGRESS_WORDS + r.nextInt(VOCABULARY - ERROR_WORDS - PROGRESS_WORDS)]);
        }
        if (wrong[s]) {
          text.set(r.nextInt(length), words[r.nextInt(ERROR_WORDS)]);
        } else if (good[s]) {
          text.set(r.nextInt(length), words[ERROR_WORDS + r.nextInt(PROGRESS_WORDS)]);
        }
        steps.add(String.join(" ", text));
      }
      return new Solution(prompt, steps, wrong, good);
    }
  }

  @Override
  public Result run(Context context) {
    int[] counts = context.quick() ? QUICK_COUNTS : COUNTS;
    int seeds = context.quick() ? 1 : SEEDS;
    int fresh = context.quick() ? 400 : FRESH;
    // [model][count][measure: first-bad-step accuracy, first-bad-step accuracy on wrong solutions, outcome ranking]
    double[][][][] bySeed = new double[seeds][][][];
    for (int s = 0; s < seeds; s++) {
      bySeed[s] = curves(context.seed() * 1000 + s + 1, counts, fresh);
      context.progress().accept(String.format(Locale.ROOT, "process-rewards seed %d: first bad step %.3f (step "
          + "labels) / %.3f (outcome only) after %d labelled solutions", s + 1, bySeed[s][0][counts.length - 1][0],
          bySeed[s][1][counts.length - 1][0], counts[counts.length - 1]));
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("world", String.format(Locale.ROOT, "solutions of 3-8 steps, each wrong with p %.2f (a hidden error "
        + "word), one wrong step spoils the answer; correct steps with a hidden progress word are good, others "
        + "neutral", WRONG_STEP));
    figures.put("step_separator", STEPS.describe());
    figures.put("bad_step_threshold", ScorerConfig.DEFAULT_BAD_STEP_THRESHOLD);
    figures.put("seeds", seeds);
    figures.put("fresh_solutions", fresh);
    Map<String, Object> byModel = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "A simulated reasoning world whose truth is known: "
        + "solutions of 3-8 steps, each step wrong with probability %.2f (it carries one of %d hidden error words), one "
        + "wrong step spoiling the answer; correct steps are good (+1) when they carry one of %d hidden progress words, "
        + "else neutral (0). Responses are cut into steps (`--step-separator '\\n'`), each step featurized on its own, a "
        + "response's reward the sum of its steps'; default learner. **Step labels**: PRM800K-style ratings of each "
        + "solution's steps up to its first wrong one (the labeler stops there, as in PRM800K's phase 2). **Outcome "
        + "only**: preferences between a correct and a wrong solution of one problem. **Both**: the two interleaved, "
        + "one of each per labelled solution. On %,d fresh solutions, mean ± sd over %d seed(s): **first bad step** = "
        + "the first step whose reward is below −%.1f (the scorer's default threshold) is the first wrong step, or no "
        + "step is for a correct solution; the same on wrong solutions only; **outcome** = a correct solution's total "
        + "reward above a wrong one's of the same problem.%n%n| labelled solutions | model | first bad step | on wrong "
        + "solutions | outcome |%n|---|---|---|---|---|%n", WRONG_STEP, ERROR_WORDS, PROGRESS_WORDS, fresh, seeds,
        ScorerConfig.DEFAULT_BAD_STEP_THRESHOLD));
    List<Chart.Series> series = new ArrayList<>();
    String[] colors = {"#1f77b4", "#d62728", "#2ca02c"};
    double[] x = new double[counts.length];
    for (int c = 0; c < counts.length; c++) {
      x[c] = counts[c];
    }
    double[][][] mean = new double[MODELS.length][counts.length][3];
    double[][][] sd = new double[MODELS.length][counts.length][3];
    for (int m = 0; m < MODELS.length; m++) {
      for (int c = 0; c < counts.length; c++) {
        for (int q = 0; q < 3; q++) {
          double[] values = new double[seeds];
          for (int s = 0; s < seeds; s++) {
            values[s] = bySeed[s][m][c][q];
          }
          mean[m][c][q] = Stats.mean(values);
          sd[m][c][q] = Stats.sd(values);
        }
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      double[] curve = new double[counts.length];
      for (int c = 0; c < counts.length; c++) {
        rows.add(Map.of("labelled_solutions", counts[c], "first_bad_step_accuracy", Stats.round(mean[m][c][0]),
            "first_bad_step_accuracy_on_wrong", Stats.round(mean[m][c][1]), "outcome_accuracy",
            Stats.round(mean[m][c][2]), "sd_first_bad_step", Stats.round(sd[m][c][0])));
        curve[c] = mean[m][c][0];
      }
      byModel.put(MODELS[m], rows);
      series.add(Chart.Series.line(MODELS[m], colors[m], x, curve));
    }
    for (int c = 0; c < counts.length; c++) {
      for (int m = 0; m < MODELS.length; m++) {
        md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s |%n", counts[c], MODELS[m],
            cell(mean[m][c][0], sd[m][c][0]), cell(mean[m][c][1], sd[m][c][1]), cell(mean[m][c][2], sd[m][c][2])));
      }
    }
    figures.put("models", byModel);
    md.append("\n![first bad step: step labels against outcome only](process-rewards.svg)\n");
    Result result = Result.of(figures, md.toString());
    result.plots().put("process-rewards.svg", Chart.lines("First bad step found", "labelled solutions",
        "first-bad-step accuracy (fresh solutions)", series));
    return result;
  }

  private static double[][][] curves(long seed, int[] counts, int freshCount) {
    World world = new World(seed);
    Featurizer featurizer = new Featurizer(SPEC);
    Random evaluation = new Random(seed * 31 + 1);
    List<Solution> fresh = new ArrayList<>();
    List<List<SparseFeatures>> freshSteps = new ArrayList<>();
    for (int i = 0; i < freshCount; i++) {
      Solution solution = world.solution(evaluation);
      fresh.add(solution);
      freshSteps.add(steps(featurizer, solution));
    }
    // Pairs for the outcome measure: a correct and a wrong solution of one problem.
    List<List<SparseFeatures>[]> outcomePairs = new ArrayList<>();
    Random pairs = new Random(seed * 31 + 2);
    while (outcomePairs.size() < freshCount / 2) {
      Solution[] pair = outcomePair(world, pairs);
      @SuppressWarnings("unchecked")
      List<SparseFeatures>[] sides = new List[] {steps(featurizer, pair[0]), steps(featurizer, pair[1])};
      outcomePairs.add(sides);
    }
    double[][][] out = new double[MODELS.length][counts.length][];
    Random stream = new Random(seed * 31 + 3);
    try (RewardLearner stepModel = RewardLearner.create(SPEC, LearnerOptions.defaults());
        RewardLearner outcomeModel = RewardLearner.create(SPEC, LearnerOptions.defaults());
        RewardLearner both = RewardLearner.create(SPEC, LearnerOptions.defaults())) {
      int c = 0;
      for (int label = 1; label <= counts[counts.length - 1]; label++) {
        Solution labelled = world.solution(stream);
        List<TrainingExample> stepLabels = stepLabels(featurizer, labelled, "s" + label);
        Solution[] pair = outcomePair(world, stream);
        TrainingExample outcome = TrainingExample.newBuilder().setExampleId("o" + label)
            .setKind(ExampleKind.PAIRWISE).setFeatureSpec(SPEC.fingerprint()).setA(steps(featurizer, pair[0]))
            .setB(steps(featurizer, pair[1])).setTarget(1f).setSource(LabelSource.HUMAN)
            .setEventTime(Instant.EPOCH).setProducedAt(Instant.EPOCH).build();
        stepModel.trainStep(stepLabels);
        outcomeModel.trainStep(List.of(outcome));
        // Both sources, one labelled solution each, alternating.
        both.trainStep(label % 2 == 0 ? stepLabels : List.of(outcome));
        if (label == counts[c]) {
          RewardLearner[] models = {stepModel, outcomeModel, both};
          for (int m = 0; m < models.length; m++) {
            out[m][c] = measure(models[m], fresh, freshSteps, outcomePairs);
          }
          c++;
        }
      }
    }
    return out;
  }

  /** A correct and a wrong solution, both answering the correct one's problem. */
  private static Solution[] outcomePair(World world, Random r) {
    Solution correct = null;
    Solution wrong = null;
    while (correct == null || wrong == null) {
      Solution s = world.solution(r);
      if (s.correct()) {
        correct = correct == null ? s : correct;
      } else if (wrong == null) {
        wrong = s;
      }
    }
    return new Solution[] {correct, new Solution(correct.prompt(), wrong.steps(), wrong.wrong(), wrong.good())};
  }

  private static List<TrainingExample> stepLabels(Featurizer featurizer, Solution solution, String id) {
    List<SparseFeatures> features = steps(featurizer, solution);
    List<TrainingExample> out = new ArrayList<>();
    for (int k = 0; k < features.size(); k++) {
      float rating = solution.wrong()[k] ? -1f : solution.good()[k] ? 1f : 0f;
      out.add(TrainingExample.newBuilder().setExampleId(id + "/" + k).setKind(ExampleKind.POINTWISE)
          .setFeatureSpec(SPEC.fingerprint()).setA(List.of(features.get(k))).setB(List.of()).setTarget(rating)
          .setSource(LabelSource.HUMAN).setEventTime(Instant.EPOCH).setProducedAt(Instant.EPOCH).build());
      if (solution.wrong()[k]) {
        break;
      }
    }
    return out;
  }

  private static double[] measure(RewardLearner model, List<Solution> fresh, List<List<SparseFeatures>> freshSteps,
      List<List<SparseFeatures>[]> outcomePairs) {
    int hits = 0;
    int wrongSolutions = 0;
    int wrongHits = 0;
    for (int i = 0; i < fresh.size(); i++) {
      float[] rewards = model.score(freshSteps.get(i));
      int predicted = -1;
      for (int k = 0; k < rewards.length; k++) {
        if (rewards[k] < -ScorerConfig.DEFAULT_BAD_STEP_THRESHOLD) {
          predicted = k;
          break;
        }
      }
      int truth = fresh.get(i).firstWrong();
      hits += predicted == truth ? 1 : 0;
      if (truth >= 0) {
        wrongSolutions++;
        wrongHits += predicted == truth ? 1 : 0;
      }
    }
    int ordered = 0;
    for (List<SparseFeatures>[] pair : outcomePairs) {
      ordered += sum(model.score(pair[0])) > sum(model.score(pair[1])) ? 1 : 0;
    }
    return new double[] {(double) hits / fresh.size(), wrongSolutions == 0 ? Double.NaN
        : (double) wrongHits / wrongSolutions, (double) ordered / outcomePairs.size()};
  }

  private static double sum(float[] values) {
    double s = 0;
    for (float v : values) {
      s += v;
    }
    return s;
  }

  /** The solution's steps as the feature job and the scorer featurize them. */
  private static List<SparseFeatures> steps(Featurizer featurizer, Solution solution) {
    Interaction interaction = Interaction.newBuilder().setInteractionId("").setAgentId("").setPolicyVersion("")
        .setEventTime(Instant.EPOCH).setPrompt(solution.prompt()).setResponse(STEPS.join(solution.steps())).build();
    List<FeatureVector> vectors = featurizer.featurizeSteps(interaction, STEPS);
    if (vectors.size() != solution.steps().size()) {
      throw new IllegalStateException(vectors.size() + " steps featurized of " + solution.steps().size());
    }
    return vectors.stream().map(FeatureVector::toAvro).toList();
  }

  private static String cell(double mean, double sd) {
    return String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean, 100 * sd);
  }
}
