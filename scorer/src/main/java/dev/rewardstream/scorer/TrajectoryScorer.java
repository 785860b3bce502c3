package dev.rewardstream.scorer;

import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.NumericNormalizer;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.RecordRejectedException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Scores imagined trajectories, the question a model-predictive controller or a Dreamer-style planner asks: each step
 * goes through the same validation, normalization snapshot and featurizer as a step on the {@code interactions} topic,
 * so it gets the reward the stream would give it; the discounted return is computed per ensemble member, so its std
 * is the members' disagreement about the whole trajectory, not a sum of per-step stds.
 */
public final class TrajectoryScorer {

  /** One imagined step; a null element of either vector is a missing value, as on the topic. */
  public record Step(List<Float> state, List<Float> action) {}

  /**
   * One trajectory's rewards: per step the ensemble mean and std, and the discounted return's mean and std across the
   * members' own returns; {@code index} is its position in the request.
   */
  public record Scored(int index, float[] stepMean, float[] stepStd, double returnMean, double returnStd,
      double pessimistic, double optimistic) {

    public double value(RankBy by) {
      return by.of(returnMean, pessimistic, optimistic);
    }
  }

  /** All trajectories of one request, scored by one version under one normalization snapshot. */
  public record Result(String modelName, long modelVersion, String environment, long statisticsCount,
      List<Scored> trajectories) {

    /** Best first by {@code by}; equal values keep the request's order. */
    public List<Scored> ranked(RankBy by) {
      return trajectories.stream()
          .sorted(Comparator.comparingDouble((Scored s) -> -s.value(by)).thenComparingInt(Scored::index))
          .toList();
    }
  }

  /** From this many steps in one request on, trajectories are scored in parallel (below, threads cost more). */
  static final int PARALLEL_STEPS = 4_096;

  private final Featurizer featurizer;
  private final NormalizationTable normalization;
  private final int maxTrajectories;

  public TrajectoryScorer(Featurizer featurizer, NormalizationTable normalization, int maxTrajectories) {
    this.featurizer = featurizer;
    this.normalization = normalization;
    this.maxTrajectories = maxTrajectories;
  }

  public int maxTrajectories() {
    return maxTrajectories;
  }

  /**
   * @param environment whose vector spec and statistics apply; null means "default", as on the topic
   * @param gamma discount of the return, in (0, 1]
   * @param k pessimism: the pessimistic return is mean − k·std, the optimistic one mean + k·std
   * @throws RecordRejectedException naming the offending trajectory and step, when the request breaks a rule
   */
  public Result score(LoadedModel model, String environment, double gamma, double k, List<List<Step>> trajectories) {
    if (!(gamma > 0 && gamma <= 1)) {
      throw new RecordRejectedException("gamma must be in (0, 1], got " + gamma);
    }
    if (!(k >= 0) || !Double.isFinite(k)) {
      throw new RecordRejectedException("k must be a finite number ≥ 0, got " + k);
    }
    if (trajectories.isEmpty()) {
      throw new RecordRejectedException("trajectories is empty");
    }
    if (trajectories.size() > maxTrajectories) {
      throw new RecordRejectedException(
          "trajectories has " + trajectories.size() + " entries, the limit is " + maxTrajectories);
    }
    String env = environmentName(environment);
    NumericNormalizer normalizer = normalizer(env);
    NormalizationStats stats = normalizer.stats();
    // Every step is checked before any is scored, in order, so a bad request names its first bad step.
    int totalSteps = 0;
    for (int t = 0; t < trajectories.size(); t++) {
      List<Step> steps = trajectories.get(t);
      if (steps == null || steps.isEmpty()) {
        throw new RecordRejectedException("trajectories[" + t + "] has no steps");
      }
      for (int i = 0; i < steps.size(); i++) {
        check(env, stats, t, i, steps.get(i));
      }
      totalSteps += steps.size();
    }
    IntStream indices = IntStream.range(0, trajectories.size());
    // A planner waits for the whole answer: a large request is scored on every core, not just its request thread.
    if (totalSteps >= PARALLEL_STEPS) {
      indices = indices.parallel();
    }
    List<Scored> scored = indices.mapToObj(t -> scoreOne(model, normalizer, t, trajectories.get(t), gamma, k))
        .toList();
    return new Result(model.update().getModelName(), model.version(), env, stats.getCount(), scored);
  }

  /**
   * The latest statistics of {@code environment} (null means "default"), whose vector dimensions are its spec.
   *
   * @throws RecordRejectedException when the feature job has exported none for it
   */
  public NormalizationStats environmentStats(String environment) {
    return normalizer(environmentName(environment)).stats();
  }

  private static String environmentName(String environment) {
    return environment == null ? "default" : environment;
  }

  private NumericNormalizer normalizer(String env) {
    return normalization.normalizerOf(env).orElseThrow(() -> new RecordRejectedException(
        "unknown environment '" + env + "': the feature job has exported no statistics for it (known: "
            + normalization.environments() + ")"));
  }

  /**
   * Each step is normalized and featurized from primitive vectors, as the stream normalizes and featurizes the step's
   * interaction (the parity test holds both to the same rewards): a request holds its steps and their rewards, not
   * 20,000 interactions and their features, which a collection during the request would have to copy.
   */
  private Scored scoreOne(LoadedModel model, NumericNormalizer normalizer, int t, List<Step> steps, double gamma,
      double k) {
    int n = steps.size();
    NormalizationStats stats = normalizer.stats();
    float[] state = new float[stats.getStateMean().size()];
    float[] action = new float[stats.getActionMean().size()];
    float[] stepMean = new float[n];
    float[] stepStd = new float[n];
    double[] memberReturns = null;
    double discount = 1;
    for (int i = 0; i < n; i++) {
      Step step = steps.get(i);
      float[] members = model.memberRewards(featurizer.featurizeNumbers(
          normalizer.standardizedState(step.state(), state), normalizer.standardizedAction(step.action(), action)));
      if (memberReturns == null) {
        memberReturns = new double[members.length];
      }
      for (int m = 0; m < members.length; m++) {
        memberReturns[m] += discount * members[m];
      }
      double mean = Ensemble.mean(members);
      stepMean[i] = (float) mean;
      stepStd[i] = (float) Ensemble.std(members, mean);
      discount *= gamma;
    }
    double returnMean = java.util.Arrays.stream(memberReturns).average().orElseThrow();
    double returnStd = Math.sqrt(java.util.Arrays.stream(memberReturns)
        .map(r -> (r - returnMean) * (r - returnMean)).average().orElseThrow());
    return new Scored(t, stepMean, stepStd, returnMean, returnStd, returnMean - k * returnStd,
        returnMean + k * returnStd);
  }

  /** The checks the stream applies to a step's interaction, and the environment's vector spec. */
  private static void check(String env, NormalizationStats stats, int t, int i, Step step) {
    String where = "trajectories[" + t + "][" + i + "]";
    if (step == null || (step.state() == null && step.action() == null)) {
      throw new RecordRejectedException(where + " needs a state or an action");
    }
    checkDimension(where + ".state", step.state(), stats.getStateMean().size(), env);
    checkDimension(where + ".action", step.action(), stats.getActionMean().size(), env);
    InteractionValidator.finite(where + ".state", step.state());
    InteractionValidator.finite(where + ".action", step.action());
  }

  /** The environment's vector spec is the dimension of its statistics: what its model was trained on. */
  private static void checkDimension(String field, List<Float> values, int expected, String env) {
    if (values != null && values.size() != expected) {
      throw new RecordRejectedException(field + " has " + values.size() + " values; environment '" + env
          + "' has " + expected);
    }
  }
}
