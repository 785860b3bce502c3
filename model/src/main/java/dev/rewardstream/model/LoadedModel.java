package dev.rewardstream.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One verified model version, ready to score. Immutable after loading, so it can be swapped in atomically and scored
 * from several threads; scoring runs on the sparse features in plain Java ({@link SparseInference}).
 */
public final class LoadedModel implements AutoCloseable {

  private final ModelUpdate update;
  private final SparseInference inference;
  private final RewardAttributes attributes;
  private final int members;
  /** The version's {@link VersionMetrics#UNSEEN_WEIGHT_VARIANCE}; 0 where it publishes none. */
  private final double unseenWeightVariance;
  /** Per head, the features its members agree on (no label touched them); null where that says nothing. */
  private final boolean[][] untouched;

  private LoadedModel(ModelUpdate update, SparseInference inference, RewardAttributes attributes, int members) {
    this.update = update;
    this.inference = inference;
    this.attributes = attributes;
    this.members = members;
    Double variance = update.getMetrics().get(VersionMetrics.UNSEEN_WEIGHT_VARIANCE);
    this.unseenWeightVariance = variance == null || !(variance > 0) ? 0 : variance;
    this.untouched = unseenWeightVariance > 0 ? untouchedByHead(inference, attributes.heads(), members) : null;
  }

  private static boolean[][] untouchedByHead(SparseInference inference, int heads, int members) {
    boolean[][] byHead = new boolean[heads][];
    for (int h = 0; h < heads; h++) {
      byHead[h] = inference.inputsWhereOutputsAgree(h * members, (h + 1) * members);
      if (byHead[h] == null) {
        return null;
      }
    }
    return byHead;
  }

  /** Loads {@code update}'s artifact from {@code store} once it is verified ({@link ModelArtifacts#load}). */
  public static LoadedModel load(ModelUpdate update, FeatureSpec spec, ArtifactStore store)
      throws ArtifactRejectedException {
    // The native network is needed only to read the verified parameters out; scoring uses plain Java arrays.
    RewardAttributes attributes;
    try {
      attributes = RewardAttributes.of(update);
    } catch (IllegalArgumentException e) {
      throw new ArtifactRejectedException("model " + update.getModelName() + " v" + update.getVersion() + ": "
          + e.getMessage(), e);
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = ModelArtifacts.load(update, spec, store, manager);
      RewardNetwork.Architecture architecture = RewardNetwork.Architecture.parse(update.getArchitecture());
      if (architecture.heads() != attributes.heads()) {
        throw new ArtifactRejectedException("model " + update.getModelName() + " v" + update.getVersion() + " has "
            + architecture.heads() + " heads and names " + attributes.names().size() + " attributes");
      }
      return new LoadedModel(update, SparseInference.of(block, architecture), attributes, architecture.members());
    }
  }

  /** The attribute heads and the weights the served reward combines them with. */
  public RewardAttributes attributes() {
    return attributes;
  }

  public ModelUpdate update() {
    return update;
  }

  public long version() {
    return update.getVersion();
  }

  /** Raw rewards of each row: the ensemble mean. */
  public float[] score(List<SparseFeatures> rows) {
    return scoreWithUncertainty(rows).mean();
  }

  /** One head's mean reward of each row; head -1 (or a single-head model's 0) is the served reward. */
  public float[] scoreHead(int head, List<SparseFeatures> rows) {
    if (head < 0 || !attributes.named()) {
      return score(rows);
    }
    float[][] byAttribute = scoreWithAttributes(rows.stream().map(FeatureVector::of).toList()).attributeRewards();
    float[] out = new float[rows.size()];
    for (int r = 0; r < out.length; r++) {
      out[r] = byAttribute[r][head];
    }
    return out;
  }

  /** Ensemble mean and standard deviation of each row's raw reward (std 0 for a single model). */
  public Ensemble scoreWithUncertainty(List<SparseFeatures> rows) {
    return scoreVectors(rows.stream().map(FeatureVector::of).toList());
  }

  /** {@link #scoreWithUncertainty} on the featurizer's primitive vectors: the scorer's hot path. */
  public Ensemble scoreVectors(List<FeatureVector> rows) {
    return scoreWithAttributes(rows).rewards();
  }

  /**
   * The served reward's ensemble statistics of each row and, for a model with attributes, each head's mean reward
   * ({@code attributeRewards[row][head]}, heads in {@link #attributes} order; null for a single-head model), from one
   * pass over the parameters.
   */
  public record Scored(Ensemble rewards, List<String> attributes, float[][] attributeRewards, float[][] stepRewards) {

    public Scored(Ensemble rewards, List<String> attributes, float[][] attributeRewards) {
      this(rewards, attributes, attributeRewards, null);
    }

    /**
     * Output {@code row}'s reward after each of its steps (the prefix's reward, the steps' mean rewards summed so far);
     * empty for an output of one step.
     */
    public List<Double> prefixRewards(int row) {
      if (stepRewards == null || stepRewards[row] == null) {
        return List.of();
      }
      List<Double> out = new java.util.ArrayList<>(stepRewards[row].length);
      double sum = 0;
      for (float step : stepRewards[row]) {
        sum += step;
        out.add(sum);
      }
      return out;
    }

    /** The first step of output {@code row} whose own reward is below −{@code threshold}; null when none is. */
    public Integer firstBadStep(int row, double threshold) {
      if (stepRewards == null || stepRewards[row] == null) {
        return null;
      }
      for (int k = 0; k < stepRewards[row].length; k++) {
        if (stepRewards[row][k] < -threshold) {
          return k;
        }
      }
      return null;
    }

    /** Row {@code row}'s head rewards by attribute name, in head order; empty for a single-head model. */
    public java.util.Map<String, Double> attributeRewards(int row) {
      if (attributeRewards == null) {
        return java.util.Map.of();
      }
      java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
      for (int h = 0; h < attributes.size(); h++) {
        out.put(attributes.get(h), (double) attributeRewards[row][h]);
      }
      return out;
    }
  }

  public Scored scoreWithAttributes(List<FeatureVector> rows) {
    float[] mean = new float[rows.size()];
    float[] std = new float[rows.size()];
    float[][] byAttribute = attributes.named() ? new float[rows.size()][] : null;
    for (int r = 0; r < rows.size(); r++) {
      float[] outputs = inference.memberRewards(rows.get(r));
      float[] served = combine(outputs);
      double mu = Ensemble.mean(served);
      mean[r] = (float) mu;
      std[r] = (float) Ensemble.std(served, mu);
      if (byAttribute != null) {
        byAttribute[r] = headMeans(outputs);
      }
    }
    return new Scored(new Ensemble(mean, std), attributes.names(), byAttribute);
  }

  /**
   * As {@link #scoreWithAttributes}, for outputs made of steps ({@code outputs.get(i)} the steps of output i): an
   * output's members' rewards are the sums of its steps' (so its spread is that of the sum), and each step's mean
   * reward is kept for the prefix rewards.
   */
  public Scored scoreOutputs(List<List<FeatureVector>> outputs) {
    int n = outputs.size();
    float[] mean = new float[n];
    float[] std = new float[n];
    float[][] byAttribute = attributes.named() ? new float[n][] : null;
    float[][] steps = new float[n][];
    for (int r = 0; r < n; r++) {
      List<FeatureVector> parts = outputs.get(r);
      float[] served = new float[members];
      float[] heads = byAttribute == null ? null : new float[attributes.heads()];
      float[] stepMeans = parts.size() > 1 ? new float[parts.size()] : null;
      for (int k = 0; k < parts.size(); k++) {
        float[] raw = inference.memberRewards(parts.get(k));
        float[] combined = combine(raw);
        for (int m = 0; m < members; m++) {
          served[m] += combined[m];
        }
        if (heads != null) {
          float[] headMean = headMeans(raw);
          for (int h = 0; h < heads.length; h++) {
            heads[h] += headMean[h];
          }
        }
        if (stepMeans != null) {
          stepMeans[k] = (float) Ensemble.mean(combined);
        }
      }
      double mu = Ensemble.mean(served);
      mean[r] = (float) mu;
      std[r] = (float) Ensemble.std(served, mu);
      if (byAttribute != null) {
        byAttribute[r] = heads;
      }
      steps[r] = stepMeans;
    }
    return new Scored(new Ensemble(mean, std), attributes.names(), byAttribute, steps);
  }

  /** Each ensemble member's served reward of one row (for a model with attributes, the members' weighted heads). */
  public float[] memberRewards(FeatureVector row) {
    return combine(inference.memberRewards(row));
  }

  /**
   * One row's members' served rewards and each head's mean reward (null for a single-head model), from one pass.
   */
  public record RowScore(float[] members, float[] attributeMeans) {}

  public RowScore scoreRow(FeatureVector row) {
    float[] outputs = inference.memberRewards(row);
    return new RowScore(combine(outputs), attributes.named() ? headMeans(outputs) : null);
  }

  private float[] combine(float[] outputs) {
    if (!attributes.named()) {
      return outputs;
    }
    float[] served = new float[members];
    for (int h = 0; h < attributes.heads(); h++) {
      double weight = attributes.weight(h);
      for (int m = 0; m < members; m++) {
        served[m] += (float) (weight * outputs[h * members + m]);
      }
    }
    return served;
  }

  private float[] headMeans(float[] outputs) {
    float[] means = new float[attributes.heads()];
    for (int h = 0; h < means.length; h++) {
      double sum = 0;
      for (int m = 0; m < members; m++) {
        sum += outputs[h * members + m];
      }
      means[h] = (float) (sum / members);
    }
    return means;
  }

  /** What a label on the pair ({@code a}, {@code b}) would teach this version ({@link PairInformation}). */
  public PairInformation pairInformation(FeatureVector a, FeatureVector b) {
    return pairInformation(List.of(a), List.of(b));
  }

  /**
   * The same for two outputs made of steps, each member's reward of an output the sum of its steps'. For a model with
   * attribute heads, the weighted sum's: no label trains it, so suggestions ask the heads ({@link #mostInformative}).
   */
  public PairInformation pairInformation(List<FeatureVector> a, List<FeatureVector> b) {
    if (!attributes.named()) {
      return prepare(List.of(a, b)).headInformation(0, 1, 0);
    }
    return PairInformation.ofMembers(memberRewards(a), memberRewards(b));
  }

  private float[] memberRewards(List<FeatureVector> steps) {
    return combine(outputs(steps));
  }

  /** Every output (heads × members, head-major) of an output made of steps: the sums of its steps'. */
  private float[] outputs(List<FeatureVector> steps) {
    if (steps.size() == 1) {
      return inference.memberRewards(steps.get(0));
    }
    float[] sum = null;
    for (FeatureVector step : steps) {
      float[] outputs = inference.memberRewards(step);
      if (sum == null) {
        sum = outputs.clone();
      } else {
        for (int o = 0; o < sum.length; o++) {
          sum[o] += outputs[o];
        }
      }
    }
    return sum;
  }

  /** What a label on a pair would teach, and the attribute that label should judge (null: the single head). */
  public record AttributedInformation(String attribute, PairInformation information) {}

  /**
   * The attribute whose label on the pair would teach this version most, and what it would teach: each head is judged
   * by its own members, since a label naming an attribute trains only that head. A model without attribute heads
   * answers its single head with a null attribute.
   */
  public AttributedInformation mostInformative(List<FeatureVector> a, List<FeatureVector> b) {
    return prepare(List.of(a, b)).mostInformative(0, 1);
  }

  /**
   * What a label judging {@code attribute} on the pair would teach the head that learns it.
   *
   * @throws IllegalArgumentException when this model has no head for {@code attribute}
   */
  public AttributedInformation informationFor(List<FeatureVector> a, List<FeatureVector> b, String attribute) {
    return prepare(List.of(a, b)).informationFor(0, 1, attribute);
  }

  /** Outputs (each made of steps) to judge pairs of: what one output contributes is computed once, not per pair. */
  public Outputs prepare(List<List<FeatureVector>> outputs) {
    return new Outputs(outputs);
  }

  /**
   * Outputs ready to be judged in pairs, as {@code POST /v1/pairs} judges every pair of up to 256 (32,640 pairs): each
   * output's member rewards, and per head its features no label touched with their squared norm. A pair's unseen
   * variance Σ(a_j − b_j)² over those features is then |a_U|² + |b_U|² − 2·a_U·b_U, a merge of two short sorted lists.
   * Scoring both outputs and building their difference anew for every pair took 200 ms (p50) for 256 candidates; this
   * takes 25 ms (docs/bench, {@code scoring-api}).
   */
  public final class Outputs {
    private final float[][] outputs;
    /** [output][head]: the untouched features' indices (ascending) and values, summed over steps; null: no variance. */
    private final int[][][] unseenIndex;
    private final double[][][] unseenValue;
    private final double[][] unseenSquares;

    private Outputs(List<List<FeatureVector>> steps) {
      int count = steps.size();
      outputs = new float[count][];
      unseenIndex = untouched == null ? null : new int[count][][];
      unseenValue = untouched == null ? null : new double[count][][];
      unseenSquares = untouched == null ? null : new double[count][];
      for (int o = 0; o < count; o++) {
        outputs[o] = outputs(steps.get(o));
        if (untouched == null) {
          continue;
        }
        java.util.TreeMap<Integer, Double> summed = new java.util.TreeMap<>();
        for (FeatureVector step : steps.get(o)) {
          for (int k = 0; k < step.indices().length; k++) {
            summed.merge(step.indices()[k], (double) step.values()[k], Double::sum);
          }
        }
        unseenIndex[o] = new int[attributes.heads()][];
        unseenValue[o] = new double[attributes.heads()][];
        unseenSquares[o] = new double[attributes.heads()];
        for (int h = 0; h < attributes.heads(); h++) {
          int[] index = new int[summed.size()];
          double[] value = new double[summed.size()];
          int n = 0;
          for (Map.Entry<Integer, Double> feature : summed.entrySet()) {
            if (untouched[h][feature.getKey()]) {
              index[n] = feature.getKey();
              value[n] = feature.getValue();
              unseenSquares[o][h] += value[n] * value[n];
              n++;
            }
          }
          unseenIndex[o][h] = Arrays.copyOf(index, n);
          unseenValue[o][h] = Arrays.copyOf(value, n);
        }
      }
    }

    /** {@link LoadedModel#mostInformative} of outputs {@code a} and {@code b}. */
    public AttributedInformation mostInformative(int a, int b) {
      if (!attributes.named()) {
        return new AttributedInformation(null, headInformation(a, b, 0));
      }
      AttributedInformation best = null;
      for (int h = 0; h < attributes.heads(); h++) {
        PairInformation information = headInformation(a, b, h);
        if (best == null || information.information() > best.information().information()) {
          best = new AttributedInformation(attributes.names().get(h), information);
        }
      }
      return best;
    }

    /** {@link LoadedModel#informationFor} of outputs {@code a} and {@code b}. */
    public AttributedInformation informationFor(int a, int b, String attribute) {
      int head = attributes.headOf(attribute);
      if (head < 0) {
        throw new IllegalArgumentException(attributes.refusal(attribute));
      }
      return new AttributedInformation(attributes.named() ? attributes.names().get(head) : null,
          headInformation(a, b, head));
    }

    /**
     * One head's: from its members alone where the version says nothing of features no label touched; else a Gaussian
     * belief about the margin, the members' mean and spread plus the unseen-weight variance of every untouched
     * feature the two outputs differ in (what the trainer's own posterior holds, and what {@code pair-selection}
     * measures).
     */
    private PairInformation headInformation(int a, int b, int head) {
      float[] rewardsA = Arrays.copyOfRange(outputs[a], head * members, (head + 1) * members);
      float[] rewardsB = Arrays.copyOfRange(outputs[b], head * members, (head + 1) * members);
      if (untouched == null) {
        return PairInformation.ofMembers(rewardsA, rewardsB);
      }
      double mean = 0;
      double squares = 0;
      for (int m = 0; m < members; m++) {
        double margin = rewardsA[m] - rewardsB[m];
        mean += margin / members;
        squares += margin * margin / members;
      }
      double unseen = Math.max(0, unseenSquares[a][head] + unseenSquares[b][head]
          - 2 * dot(unseenIndex[a][head], unseenValue[a][head], unseenIndex[b][head], unseenValue[b][head]));
      double variance = Math.max(0, squares - mean * mean) + unseenWeightVariance * unseen;
      return PairInformation.ofGaussian(mean, Math.sqrt(variance));
    }
  }

  private static double dot(int[] indexA, double[] valueA, int[] indexB, double[] valueB) {
    double dot = 0;
    for (int i = 0, j = 0; i < indexA.length && j < indexB.length; ) {
      if (indexA[i] == indexB[j]) {
        dot += valueA[i++] * valueB[j++];
      } else if (indexA[i] < indexB[j]) {
        i++;
      } else {
        j++;
      }
    }
    return dot;
  }

  /** (raw − reference mean) / reference std, as published with the version. */
  public double normalize(double raw) {
    double std = update.getRewardStd();
    return std > 1e-12 ? (raw - update.getRewardMean()) / std : raw - update.getRewardMean();
  }

  /** Nothing native is held after loading; kept so holders manage versions uniformly. */
  @Override
  public void close() {}
}
