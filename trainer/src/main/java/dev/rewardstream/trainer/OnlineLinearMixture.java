package dev.rewardstream.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Logistic;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * The default reward learner: three online linear Bradley-Terry learners that each take one update per example, as
 * the example arrives — SGD (learning rate 0.5), FTRL-Proximal (α 0.1, β 1, λ1 1, λ2 1; McMahan et al. 2013) and a
 * Bayesian logistic regression with a diagonal Gaussian posterior (prior variance 1; per example the exact MAP of
 * prior × likelihood along the example's direction, the precision grown by the likelihood's curvature) — mixed by
 * exponential weights on their discounted predictive log-loss (each example scored before it is learned, discount
 * 0.999 per example). The mixture of linear models is itself a linear model, which is what is served.
 *
 * <p>Why these: measured on simulated worlds of different structure (docs/label-efficiency.md), one pass with one
 * update per label learns several times more per label than Adam steps on batches with replay, and which of the three
 * learns most depends on the world (the Bayesian one on clean, large vocabularies; FTRL on noisy, Zipfian ones; SGD
 * on small ones and right after a preference drift), so the mixture follows whichever predicts best lately.
 *
 * <p>Served uncertainty: the published version has {@code members} linear members, the mixture plus and minus draws
 * from the Bayesian learner's posterior (antithetic pairs, so the members' mean is exactly the mixture). Only
 * coordinates that examples have touched are perturbed: an untouched coordinate has the prior's variance, and the
 * prompt's features, which cancel in every preference, would otherwise give every reward the same large spread.
 * {@link #margins} reports the Bayesian posterior's own margin uncertainty over all coordinates, since for choosing
 * which pair to label a word never seen is exactly what is uncertain.
 *
 * <p>Pointwise examples (environment rewards, ratings, step labels) are learned by the same three with the squared
 * loss (SGD normalized by the input's squared norm, which keeps a step of 0.5 stable on inputs made of several
 * unit-norm groups) and move the mixture weights by each expert's predictive log-likelihood under unit Gaussian noise,
 * as pairs move them by theirs.
 */
public final class OnlineLinearMixture implements RewardLearner {

  private static final double SGD_LEARNING_RATE = 0.5;
  private static final double FTRL_ALPHA = 0.1;
  private static final double FTRL_BETA = 1;
  private static final double FTRL_L1 = 1;
  private static final double FTRL_L2 = 1;
  private static final double PRIOR_VARIANCE = 1;
  private static final double LOSS_DISCOUNT = 0.999;
  private static final int EXPERTS = 3;
  private static final int FORMAT = 1;

  private final FeatureSpec spec;
  private final LearnerOptions options;
  private final RewardNetwork.Architecture architecture;
  private final int dimension;
  private final double[] sgd;
  private final double[] ftrlZ;
  private final double[] ftrlN;
  private final double[] bayesMean;
  private final double[] bayesPrecision;
  private final double[] discountedLoss = new double[EXPERTS];
  private final SparseSum sum;

  public OnlineLinearMixture(FeatureSpec spec, LearnerOptions options) {
    if (options.algorithm() != LearnerOptions.Algorithm.ONLINE_LINEAR) {
      throw new IllegalArgumentException("options for the " + options.algorithm().cliName() + " learner");
    }
    this.spec = spec;
    this.options = options;
    this.architecture = RewardLearner.architecture(spec, options);
    this.dimension = spec.dimension();
    this.sgd = new double[dimension];
    this.ftrlZ = new double[dimension];
    this.ftrlN = new double[dimension];
    this.bayesMean = new double[dimension];
    this.bayesPrecision = new double[dimension];
    Arrays.fill(bayesPrecision, 1 / PRIOR_VARIANCE);
    this.sum = new SparseSum(dimension);
  }

  /** Continues from what {@link #saveState} wrote. */
  static OnlineLinearMixture fromState(FeatureSpec spec, LearnerOptions options, DataInputStream in)
      throws IOException {
    OnlineLinearMixture learner = new OnlineLinearMixture(spec, options);
    int format = in.readInt();
    int dimension = in.readInt();
    if (format != FORMAT || dimension != learner.dimension) {
      throw new IOException("online linear state of format " + format + " over " + dimension + " features; this "
          + "learner reads format " + FORMAT + " over " + learner.dimension);
    }
    for (double[] array : learner.arrays()) {
      for (int i = 0; i < array.length; i++) {
        array[i] = in.readDouble();
      }
    }
    for (int k = 0; k < EXPERTS; k++) {
      learner.discountedLoss[k] = in.readDouble();
    }
    return learner;
  }

  /**
   * Continues from a published version's verified weights (their members' mean) when the trainer's checkpoint is
   * lost: every expert starts from them, FTRL through the state that yields them; the posterior's precision is read
   * back from the members' spread ({@link #fromMembers}); the mixture weights start afresh.
   */
  static OnlineLinearMixture fromPublished(FeatureSpec spec, LearnerOptions options, ModelUpdate update,
      ArtifactStore store) throws ArtifactRejectedException {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<float[]> members = linearWeights(ModelArtifacts.load(update, spec, store, manager));
      return fromMembers(spec, options, members);
    }
  }

  /**
   * Every expert starts from the members' mean; FTRL through the state that yields it. The posterior's precision comes
   * back from the members ({@link #memberWeights}): without it every coordinate would look as uncertain as one no label
   * ever touched, and the restarted trainer's versions would report that spread as the uncertainty of every score and
   * every pair.
   */
  static OnlineLinearMixture fromMembers(FeatureSpec spec, LearnerOptions options, List<float[]> members) {
    OnlineLinearMixture learner = new OnlineLinearMixture(spec, options);
    for (float[] member : members) {
      for (int i = 0; i < learner.dimension; i++) {
        learner.sgd[i] += member[i] / members.size();
      }
    }
    for (int i = 0; i < learner.dimension; i++) {
      double w = learner.sgd[i];
      learner.bayesMean[i] = w;
      // The inverse of ftrlWeight at n = 0.
      learner.ftrlZ[i] = w == 0 ? 0 : -w * (FTRL_BETA / FTRL_ALPHA + FTRL_L2) - Math.signum(w) * FTRL_L1;
    }
    learner.recoverPrecision(members);
    return learner;
  }

  /**
   * Half the difference of antithetic pair p at coordinate i is g(seed, p, i) / √precision. With this learner's seed
   * the draws g are known and the precision comes back exactly; members drawn with another seed do not fit them, and
   * the mean square of the half-differences (E g² = 1) estimates the variance instead. A coordinate whose pairs all
   * agree was never touched and keeps the prior.
   */
  private void recoverPrecision(List<float[]> members) {
    int pairs = members.size() / 2;
    double[] half = new double[pairs];
    double[] draw = new double[pairs];
    for (int i = 0; i < dimension; i++) {
      double squares = 0;
      for (int p = 0; p < pairs; p++) {
        half[p] = ((double) members.get(2 * p)[i] - members.get(2 * p + 1)[i]) / 2;
        squares += half[p] * half[p];
      }
      if (squares == 0) {
        continue;
      }
      double gg = 0;
      double gh = 0;
      for (int p = 0; p < pairs; p++) {
        draw[p] = gaussian(options.seed(), p, i);
        gg += draw[p] * draw[p];
        gh += draw[p] * half[p];
      }
      double scale = gh / gg;
      double residual = 0;
      for (int p = 0; p < pairs; p++) {
        residual += (half[p] - draw[p] * scale) * (half[p] - draw[p] * scale);
      }
      double variance = scale > 0 && residual <= 1e-4 * squares ? scale * scale : squares / pairs;
      bayesPrecision[i] = Math.max(1 / PRIOR_VARIANCE, 1 / variance);
    }
  }

  @Override
  public RewardNetwork.Architecture architecture() {
    return architecture;
  }

  @Override
  public FeatureSpec featureSpec() {
    return spec;
  }

  @Override
  public java.util.Map<String, Double> versionMetrics() {
    return java.util.Map.of(VersionMetrics.UNSEEN_WEIGHT_VARIANCE, PRIOR_VARIANCE);
  }

  @Override
  public double trainStep(List<TrainingExample> examples) {
    double loss = 0;
    for (TrainingExample example : examples) {
      loss += example.getKind() == ExampleKind.PAIRWISE ? learnPair(example) : learnPoint(example);
    }
    return examples.isEmpty() ? 0 : loss / examples.size();
  }

  private double learnPair(TrainingExample example) {
    double weight = example.getWeight() * options.sourceWeight(example.getSource());
    if (weight == 0) {
      return 0;
    }
    Direction d = direction(example.getA(), example.getB());
    double target = example.getTarget();
    double margin = example.getMargin();
    double[] z = {dot(d, Expert.SGD), dot(d, Expert.FTRL), dot(d, Expert.BAYES)};
    double mixed = 0;
    double[] pi = mixtureWeights();
    for (int k = 0; k < EXPERTS; k++) {
      mixed += pi[k] * z[k];
      discountedLoss[k] = LOSS_DISCOUNT * discountedLoss[k] + weight * logLoss(z[k], target, margin);
    }
    double sgdGradient = -likelihoodSlope(z[0], target, margin, weight);
    for (int n = 0; n < d.size; n++) {
      sgd[d.index[n]] -= SGD_LEARNING_RATE * sgdGradient * d.value[n];
    }
    ftrlStep(d, -likelihoodSlope(z[1], target, margin, weight));
    bayesPairStep(d, z[2], target, margin, weight);
    return weight * logLoss(mixed, target, margin);
  }

  private double learnPoint(TrainingExample example) {
    double weight = example.getWeight();
    if (weight == 0) {
      return 0;
    }
    Direction x = direction(example.getA(), List.of());
    double target = example.getTarget();
    // Each expert judged by its predictive log-likelihood under unit Gaussian noise, as the pairs judge it by theirs:
    // a stream of ratings alone (step labels, attribute ratings) would otherwise serve the uniform mixture forever,
    // and FTRL's sparse weights would shrink every prediction by a third.
    double[] before = {dot(x, Expert.SGD), dot(x, Expert.FTRL), dot(x, Expert.BAYES)};
    for (int k = 0; k < EXPERTS; k++) {
      discountedLoss[k] = LOSS_DISCOUNT * discountedLoss[k] + weight * 0.5 * (before[k] - target) * (before[k] - target);
    }
    double norm = 0;
    for (int n = 0; n < x.size; n++) {
      norm += x.value[n] * x.value[n];
    }
    double sgdError = dot(x, Expert.SGD) - target;
    double step = SGD_LEARNING_RATE * weight * sgdError / Math.max(norm, 1e-12);
    for (int n = 0; n < x.size; n++) {
      sgd[x.index[n]] -= step * x.value[n];
    }
    ftrlStep(x, weight * (dot(x, Expert.FTRL) - target));
    // Gaussian likelihood of unit noise variance: the exact posterior update along x.
    double z0 = dot(x, Expert.BAYES);
    double variance = 0;
    for (int n = 0; n < x.size; n++) {
      variance += x.value[n] * x.value[n] / bayesPrecision[x.index[n]];
    }
    double zStar = (z0 + variance * weight * target) / (1 + variance * weight);
    double slope = weight * (target - zStar);
    for (int n = 0; n < x.size; n++) {
      int i = x.index[n];
      bayesMean[i] += slope * x.value[n] / bayesPrecision[i];
      bayesPrecision[i] += x.value[n] * x.value[n] * weight;
    }
    double[] pi = mixtureWeights();
    double served = pi[0] * dot(x, Expert.SGD) + pi[1] * dot(x, Expert.FTRL) + pi[2] * dot(x, Expert.BAYES);
    return weight * (served - target) * (served - target);
  }

  private void ftrlStep(Direction d, double gradient) {
    for (int n = 0; n < d.size; n++) {
      int i = d.index[n];
      double g = gradient * d.value[n];
      double sigma = (Math.sqrt(ftrlN[i] + g * g) - Math.sqrt(ftrlN[i])) / FTRL_ALPHA;
      ftrlZ[i] += g - sigma * ftrlWeight(i);
      ftrlN[i] += g * g;
    }
  }

  /**
   * The MAP of the prior times this example's likelihood moves the mean only along {@code d}, so it is a 1-D problem in
   * the margin z: z = z0 + v·L'(z), v the prior variance of the margin; Newton's method solves it (the left side grows
   * faster than the right, so the root is unique).
   */
  private void bayesPairStep(Direction d, double z0, double target, double margin, double weight) {
    double variance = 0;
    for (int n = 0; n < d.size; n++) {
      variance += d.value[n] * d.value[n] / bayesPrecision[d.index[n]];
    }
    double z = z0;
    for (int iteration = 0; iteration < 30; iteration++) {
      double f = z - z0 - variance * likelihoodSlope(z, target, margin, weight);
      double fPrime = 1 + variance * likelihoodCurvature(z, target, margin, weight);
      double step = f / fPrime;
      z -= step;
      if (Math.abs(step) < 1e-10) {
        break;
      }
    }
    double slope = likelihoodSlope(z, target, margin, weight);
    double curvature = likelihoodCurvature(z, target, margin, weight);
    for (int n = 0; n < d.size; n++) {
      int i = d.index[n];
      bayesMean[i] += slope * d.value[n] / bayesPrecision[i];
      bayesPrecision[i] += d.value[n] * d.value[n] * curvature;
    }
  }

  /** d/dz of the weighted log-likelihood t·log σ(z − m) + (1 − t)·log σ(−z − m). */
  private static double likelihoodSlope(double z, double target, double margin, double weight) {
    return weight * (target * Logistic.sigmoid(margin - z) - (1 - target) * Logistic.sigmoid(z + margin));
  }

  /** −d²/dz² of the same: non-negative. */
  private static double likelihoodCurvature(double z, double target, double margin, double weight) {
    double a = Logistic.sigmoid(margin - z);
    double b = Logistic.sigmoid(z + margin);
    return weight * (target * a * (1 - a) + (1 - target) * b * (1 - b));
  }

  private static double logLoss(double z, double target, double margin) {
    return -(target * Logistic.logSigmoid(z - margin) + (1 - target) * Logistic.logSigmoid(-z - margin));
  }

  private double ftrlWeight(int i) {
    double z = ftrlZ[i];
    if (Math.abs(z) <= FTRL_L1) {
      return 0;
    }
    return -(z - Math.signum(z) * FTRL_L1) / ((FTRL_BETA + Math.sqrt(ftrlN[i])) / FTRL_ALPHA + FTRL_L2);
  }

  private enum Expert { SGD, FTRL, BAYES }

  private double weight(Expert expert, int i) {
    return switch (expert) {
      case SGD -> sgd[i];
      case FTRL -> ftrlWeight(i);
      case BAYES -> bayesMean[i];
    };
  }

  private double dot(Direction d, Expert expert) {
    double z = 0;
    for (int n = 0; n < d.size; n++) {
      z += weight(expert, d.index[n]) * d.value[n];
    }
    return z;
  }

  /** Exponential weights on the discounted log-loss (learning rate 1), shifted by the minimum for stability. */
  double[] mixtureWeights() {
    double min = Math.min(discountedLoss[0], Math.min(discountedLoss[1], discountedLoss[2]));
    double[] pi = new double[EXPERTS];
    double total = 0;
    for (int k = 0; k < EXPERTS; k++) {
      pi[k] = Math.exp(-(discountedLoss[k] - min));
      total += pi[k];
    }
    for (int k = 0; k < EXPERTS; k++) {
      pi[k] /= total;
    }
    return pi;
  }

  /** The served weight vector: the mixture of the three. */
  private double[] servedWeights() {
    double[] pi = mixtureWeights();
    double[] w = new double[dimension];
    for (int i = 0; i < dimension; i++) {
      w[i] = pi[0] * sgd[i] + pi[1] * ftrlWeight(i) + pi[2] * bayesMean[i];
    }
    return w;
  }

  @Override
  public float[] score(List<SparseFeatures> steps) {
    double[] w = servedWeights();
    float[] rewards = new float[steps.size()];
    for (int s = 0; s < rewards.length; s++) {
      rewards[s] = (float) dot(i -> w[i], steps.get(s));
    }
    return rewards;
  }

  @Override
  public Ensemble scoreWithUncertainty(List<SparseFeatures> steps) {
    float[][] members = memberWeights();
    float[] mean = new float[steps.size()];
    float[] std = new float[steps.size()];
    for (int s = 0; s < steps.size(); s++) {
      double total = 0;
      double squares = 0;
      for (float[] member : members) {
        double r = dot(i -> member[i], steps.get(s));
        total += r;
        squares += r * r;
      }
      double m = total / members.length;
      mean[s] = (float) m;
      std[s] = (float) Math.sqrt(Math.max(0, squares / members.length - m * m));
    }
    return new Ensemble(mean, std);
  }

  @Override
  public Ensemble margins(List<SparseFeatures> a, List<SparseFeatures> b) {
    double[] w = servedWeights();
    float[] mean = new float[a.size()];
    float[] std = new float[a.size()];
    for (int p = 0; p < a.size(); p++) {
      Direction d = direction(List.of(a.get(p)), List.of(b.get(p)));
      double margin = 0;
      double variance = 0;
      for (int n = 0; n < d.size; n++) {
        margin += w[d.index[n]] * d.value[n];
        variance += d.value[n] * d.value[n] / bayesPrecision[d.index[n]];
      }
      mean[p] = (float) margin;
      std[p] = (float) Math.sqrt(variance);
    }
    return new Ensemble(mean, std);
  }

  /**
   * The published members: the served weights plus and minus a posterior draw over the touched coordinates, in
   * antithetic pairs (an odd last member is the served weights themselves). The draws are a fixed function of the seed,
   * member and coordinate, so the same state always publishes the same artifact.
   */
  float[][] memberWeights() {
    double[] w = servedWeights();
    int members = architecture.members();
    float[][] out = new float[members][dimension];
    for (int j = 0; j < members; j++) {
      int pair = j / 2;
      double sign = j % 2 == 0 ? 1 : -1;
      boolean unperturbed = j == members - 1 && members % 2 == 1;
      for (int i = 0; i < dimension; i++) {
        double spread = 0;
        if (!unperturbed && bayesPrecision[i] != 1 / PRIOR_VARIANCE) {
          spread = sign * gaussian(options.seed(), pair, i) / Math.sqrt(bayesPrecision[i]);
        }
        out[j][i] = (float) (w[i] + spread);
      }
    }
    return out;
  }

  /** A standard normal value determined by its arguments (Box-Muller on two hashed uniforms). */
  private static double gaussian(long seed, int pair, int coordinate) {
    long h = mix(seed * 0x9E3779B97F4A7C15L + pair * 0xC2B2AE3D27D4EB4FL + coordinate);
    double u1 = ((h >>> 11) + 1) * 0x1.0p-53;
    double u2 = (mix(h) >>> 11) * 0x1.0p-53;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public ModelArtifacts.Written write(Path root, String modelName, long version) throws IOException {
    float[][] members = memberWeights();
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = RewardNetwork.build(architecture, manager);
      List<Linear> heads = linearHeads(block);
      for (int j = 0; j < heads.size(); j++) {
        heads.get(j).getParameters().get("weight").getArray().set(members[j]);
        heads.get(j).getParameters().get("bias").getArray().set(new float[] {0f});
      }
      return ModelArtifacts.write(root, modelName, version, block);
    }
  }

  /** The linear layer of each output, in output order (a linear network has exactly one per output). */
  static List<Linear> linearHeads(Block block) {
    List<Linear> heads = new java.util.ArrayList<>();
    collectLinear(block, heads);
    return heads;
  }

  private static void collectLinear(Block block, List<Linear> heads) {
    if (block instanceof Linear linear) {
      heads.add(linear);
      return;
    }
    for (Block child : block.getChildren().values()) {
      collectLinear(child, heads);
    }
  }

  static List<float[]> linearWeights(Block block) {
    List<float[]> weights = new java.util.ArrayList<>();
    for (Linear head : linearHeads(block)) {
      NDArray array = head.getParameters().get("weight").getArray();
      weights.add(array.toFloatArray());
    }
    return weights;
  }

  @Override
  public void saveState(DataOutputStream out) throws IOException {
    out.writeInt(FORMAT);
    out.writeInt(dimension);
    for (double[] array : arrays()) {
      for (double value : array) {
        out.writeDouble(value);
      }
    }
    for (double loss : discountedLoss) {
      out.writeDouble(loss);
    }
  }

  private double[][] arrays() {
    return new double[][] {sgd, ftrlZ, ftrlN, bayesMean, bayesPrecision};
  }

  /** An independent learner in this one's exact state: what a label would do can be asked of it without learning it. */
  public OnlineLinearMixture copy() {
    OnlineLinearMixture copy = new OnlineLinearMixture(spec, options);
    double[][] from = arrays();
    double[][] to = copy.arrays();
    for (int a = 0; a < from.length; a++) {
      System.arraycopy(from[a], 0, to[a], 0, from[a].length);
    }
    System.arraycopy(discountedLoss, 0, copy.discountedLoss, 0, EXPERTS);
    return copy;
  }

  @Override
  public void close() {}

  /** Σ weight(i)·x_i over one step's features; the weights are the served ones or one published member's. */
  private static double dot(IntToDoubleFunction weight, SparseFeatures step) {
    double r = 0;
    List<Integer> indices = step.getIndices();
    List<Float> values = step.getValues();
    for (int n = 0; n < indices.size(); n++) {
      r += weight.applyAsDouble(indices.get(n)) * values.get(n);
    }
    return r;
  }

  /** Σ of side A's step features minus Σ of side B's, as a sparse vector. */
  private Direction direction(List<SparseFeatures> a, List<SparseFeatures> b) {
    for (SparseFeatures step : a) {
      sum.add(step, 1);
    }
    for (SparseFeatures step : b) {
      sum.add(step, -1);
    }
    return sum.drain();
  }

  private record Direction(int[] index, double[] value, int size) {}

  /** A dense accumulator over the feature space that remembers which coordinates it touched. */
  private static final class SparseSum {
    private final double[] dense;
    private final boolean[] touched;
    private int[] order = new int[256];
    private int size;

    SparseSum(int dimension) {
      this.dense = new double[dimension];
      this.touched = new boolean[dimension];
    }

    void add(SparseFeatures step, double sign) {
      List<Integer> indices = step.getIndices();
      List<Float> values = step.getValues();
      for (int n = 0; n < indices.size(); n++) {
        int i = indices.get(n);
        if (!touched[i]) {
          touched[i] = true;
          if (size == order.length) {
            order = Arrays.copyOf(order, size * 2);
          }
          order[size++] = i;
        }
        dense[i] += sign * values.get(n);
      }
    }

    Direction drain() {
      int[] index = new int[size];
      double[] value = new double[size];
      int kept = 0;
      for (int n = 0; n < size; n++) {
        int i = order[n];
        if (dense[i] != 0) {
          index[kept] = i;
          value[kept] = dense[i];
          kept++;
        }
        dense[i] = 0;
        touched[i] = false;
      }
      size = 0;
      return new Direction(index, value, kept);
    }
  }
}
