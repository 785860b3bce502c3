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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Scores imagined trajectories, the question a model-predictive controller or a Dreamer-style planner asks: each step
 * goes through the same validation, normalization snapshot and featurizer as a step on the {@code interactions} topic,
 * so it gets the reward the stream would give it; the discounted return is computed per ensemble member, so its std
 * is the members' disagreement about the whole trajectory, not a sum of per-step stds.
 */
public final class TrajectoryScorer {

  /**
   * One candidate: its steps' states and actions, NaN for a missing value (null on the topic), no vector where a step
   * has none.
   */
  public interface Candidate {
    int steps();

    /** The number of values in step {@code i}'s state, or -1 when it has no state. */
    int stateSize(int i);

    int actionSize(int i);

    /** Step {@code i}'s state copied into {@code into} (at least {@link #stateSize} long); null when it has none. */
    float[] state(int i, float[] into);

    float[] action(int i, float[] into);
  }

  /** One imagined step of the JSON form; either vector may be null. */
  public record Step(float[] state, float[] action) {}

  /** A candidate given step by step. */
  public record StepList(List<Step> list) implements Candidate {
    @Override
    public int steps() {
      return list.size();
    }

    @Override
    public int stateSize(int i) {
      return size(list.get(i).state());
    }

    @Override
    public int actionSize(int i) {
      return size(list.get(i).action());
    }

    @Override
    public float[] state(int i, float[] into) {
      return copy(list.get(i).state(), into);
    }

    @Override
    public float[] action(int i, float[] into) {
      return copy(list.get(i).action(), into);
    }

    private static int size(float[] vector) {
      return vector == null ? -1 : vector.length;
    }

    private static float[] copy(float[] vector, float[] into) {
      if (vector == null) {
        return null;
      }
      System.arraycopy(vector, 0, into, 0, vector.length);
      return into;
    }
  }

  /**
   * A candidate packed as the binary form sends it: every step's state one after the other, and every step's action;
   * a dimension of 0 means no step has that vector.
   */
  public record Packed(int steps, int stateDim, float[] states, int actionDim, float[] actions) implements Candidate {
    @Override
    public int stateSize(int i) {
      return stateDim == 0 ? -1 : stateDim;
    }

    @Override
    public int actionSize(int i) {
      return actionDim == 0 ? -1 : actionDim;
    }

    @Override
    public float[] state(int i, float[] into) {
      return slice(states, stateDim, i, into);
    }

    @Override
    public float[] action(int i, float[] into) {
      return slice(actions, actionDim, i, into);
    }

    private static float[] slice(float[] packed, int dim, int i, float[] into) {
      if (dim == 0) {
        return null;
      }
      System.arraycopy(packed, i * dim, into, 0, dim);
      return into;
    }
  }

  /**
   * One trajectory's rewards: per step the ensemble mean and std, and the discounted return's mean and std across the
   * members' own returns; {@code index} is its position in the request.
   */
  public record Scored(int index, float[] stepMean, float[] stepStd, double returnMean, double returnStd,
      double pessimistic, double optimistic, Map<String, Double> attributeReturns) {

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
  public Result score(LoadedModel model, String environment, double gamma, double k,
      List<? extends Candidate> trajectories) {
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
    float[] state = new float[stats.getStateMean().size()];
    float[] action = new float[stats.getActionMean().size()];
    for (int t = 0; t < trajectories.size(); t++) {
      Candidate candidate = trajectories.get(t);
      if (candidate.steps() == 0) {
        throw new RecordRejectedException("trajectories[" + t + "] has no steps");
      }
      for (int i = 0; i < candidate.steps(); i++) {
        check(env, t, i, candidate, state, action);
      }
      totalSteps += candidate.steps();
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
  private Scored scoreOne(LoadedModel model, NumericNormalizer normalizer, int t, Candidate steps, double gamma,
      double k) {
    int n = steps.steps();
    NormalizationStats stats = normalizer.stats();
    float[] state = new float[stats.getStateMean().size()];
    float[] action = new float[stats.getActionMean().size()];
    float[] stepMean = new float[n];
    float[] stepStd = new float[n];
    double[] memberReturns = null;
    double[] attributeReturns = model.attributes().named() ? new double[model.attributes().heads()] : null;
    double discount = 1;
    for (int i = 0; i < n; i++) {
      LoadedModel.RowScore row = model.scoreRow(featurizer.featurizeNumbers(
          normalizer.standardizedState(steps.state(i, state)), normalizer.standardizedAction(steps.action(i, action))));
      float[] members = row.members();
      if (memberReturns == null) {
        memberReturns = new double[members.length];
      }
      for (int h = 0; attributeReturns != null && h < attributeReturns.length; h++) {
        attributeReturns[h] += discount * row.attributeMeans()[h];
      }
      for (int m = 0; m < members.length; m++) {
        memberReturns[m] += discount * members[m];
      }
      double mean = Ensemble.mean(members);
      stepMean[i] = (float) mean;
      stepStd[i] = (float) Ensemble.std(members, mean);
      discount *= gamma;
    }
    double sum = 0;
    for (double r : memberReturns) {
      sum += r;
    }
    double returnMean = sum / memberReturns.length;
    double squares = 0;
    for (double r : memberReturns) {
      squares += (r - returnMean) * (r - returnMean);
    }
    double returnStd = Math.sqrt(squares / memberReturns.length);
    Map<String, Double> byAttribute = new LinkedHashMap<>();
    for (int h = 0; attributeReturns != null && h < attributeReturns.length; h++) {
      byAttribute.put(model.attributes().names().get(h), attributeReturns[h]);
    }
    return new Scored(t, stepMean, stepStd, returnMean, returnStd, returnMean - k * returnStd,
        returnMean + k * returnStd, byAttribute);
  }

  /**
   * The checks the stream applies to a step's interaction, and the environment's vector spec. The step's name is built
   * only for an error: built for every step, it was a third of a planner's request's garbage.
   */
  private static void check(String env, int t, int i, Candidate candidate, float[] state, float[] action) {
    int stateSize = candidate.stateSize(i);
    int actionSize = candidate.actionSize(i);
    if (stateSize < 0 && actionSize < 0) {
      throw new RecordRejectedException(step(t, i) + " needs a state or an action");
    }
    checkDimension(t, i, ".state", stateSize, state.length, env);
    checkDimension(t, i, ".action", actionSize, action.length, env);
    finite(t, i, ".state", candidate.state(i, state));
    finite(t, i, ".action", candidate.action(i, action));
  }

  private static String step(int t, int i) {
    return "trajectories[" + t + "][" + i + "]";
  }

  /** The environment's vector spec is the dimension of its statistics: what its model was trained on. */
  private static void checkDimension(int t, int i, String field, int size, int expected, String env) {
    if (size >= 0 && size != expected) {
      throw new RecordRejectedException(step(t, i) + field + " has " + size + " values; environment '" + env
          + "' has " + expected);
    }
  }

  /** As the stream's {@link InteractionValidator#finite}, with NaN standing for its missing value. */
  private static void finite(int t, int i, String field, float[] values) {
    if (values == null) {
      return;
    }
    for (int j = 0; j < values.length; j++) {
      if (Float.isInfinite(values[j])) {
        throw new RecordRejectedException(step(t, i) + field + "[" + j + "] is " + values[j]);
      }
    }
  }
}
