package dev.rewardstream.trainer;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-attribute reward model: one {@link OnlineLinearMixture} head per attribute on the shared features, each
 * learning only the labels of its attribute (preferences naming it, ratings of it), served as the weighted sum of the
 * heads. A label judges one attribute; training one model on every attribute's labels would learn their average and
 * could not be re-weighted, which is what the {@code multi-attribute} bench measures against.
 *
 * <p>The published artifact has {@code heads × members} linear outputs, head-major; each head's members are its own
 * posterior draws, with a seed per head so the heads' draws are independent and the served reward's spread is that of
 * a sum of independent heads.
 */
final class AttributeHeads implements RewardLearner {

  private static final int FORMAT = 1;

  private final FeatureSpec spec;
  private final LearnerOptions options;
  private final RewardAttributes attributes;
  private final RewardNetwork.Architecture architecture;
  private final List<OnlineLinearMixture> heads;

  private AttributeHeads(FeatureSpec spec, LearnerOptions options, List<OnlineLinearMixture> heads) {
    if (options.algorithm() != LearnerOptions.Algorithm.ONLINE_LINEAR) {
      throw new IllegalArgumentException("attribute heads are online linear mixtures, not " + options.algorithm());
    }
    this.spec = spec;
    this.options = options;
    this.attributes = options.attributes();
    this.architecture = RewardLearner.architecture(spec, options);
    this.heads = heads;
  }

  AttributeHeads(FeatureSpec spec, LearnerOptions options) {
    this(spec, options, freshHeads(spec, options));
  }

  private static List<OnlineLinearMixture> freshHeads(FeatureSpec spec, LearnerOptions options) {
    List<OnlineLinearMixture> heads = new ArrayList<>();
    for (int h = 0; h < options.attributes().heads(); h++) {
      heads.add(new OnlineLinearMixture(spec, headOptions(options, h)));
    }
    return heads;
  }

  private static LearnerOptions headOptions(LearnerOptions options, int head) {
    return new LearnerOptions(options.algorithm(), options.hidden(), options.members(), options.learningRate(),
        options.centerRewardsCoefficient(), options.sourceWeights(), options.seed() + 7919L * head,
        RewardAttributes.SINGLE);
  }

  static AttributeHeads fromState(FeatureSpec spec, LearnerOptions options, DataInputStream in) throws IOException {
    int format = in.readInt();
    int count = in.readInt();
    List<String> names = new ArrayList<>();
    for (int h = 0; h < count; h++) {
      names.add(in.readUTF());
    }
    if (format != FORMAT || !names.equals(options.attributes().names())) {
      throw new IOException("checkpoint of attribute heads " + names + " (format " + format + "); this trainer has "
          + options.attributes().names() + " (format " + FORMAT + ")");
    }
    List<OnlineLinearMixture> heads = new ArrayList<>();
    for (int h = 0; h < count; h++) {
      heads.add(OnlineLinearMixture.fromState(spec, headOptions(options, h), in));
    }
    return new AttributeHeads(spec, options, heads);
  }

  /**
   * Each head continues from its published members' mean. The heads are matched by name, so a trainer restarted with
   * other weights keeps what every head learned; another set of names starts afresh from nothing published.
   */
  static AttributeHeads fromPublished(FeatureSpec spec, LearnerOptions options, ModelUpdate update,
      ArtifactStore store) throws ArtifactRejectedException {
    RewardAttributes published = RewardAttributes.of(update);
    if (!published.names().equals(options.attributes().names())) {
      throw new ArtifactRejectedException("v" + update.getVersion() + " has attribute heads " + published.names()
          + ", this trainer " + options.attributes().names());
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      List<float[]> outputs = OnlineLinearMixture.linearWeights(ModelArtifacts.load(update, spec, store, manager));
      int members = outputs.size() / published.heads();
      List<OnlineLinearMixture> heads = new ArrayList<>();
      for (int h = 0; h < published.heads(); h++) {
        heads.add(OnlineLinearMixture.fromMembers(spec, headOptions(options, h),
            outputs.subList(h * members, (h + 1) * members)));
      }
      return new AttributeHeads(spec, options, heads);
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
  public RewardAttributes attributes() {
    return attributes;
  }

  @Override
  public java.util.Map<String, Double> versionMetrics() {
    return heads.get(0).versionMetrics();
  }

  /** Each example trains the head of its attribute; the validator refused every example no head judges. */
  @Override
  public double trainStep(List<TrainingExample> examples) {
    double loss = 0;
    for (TrainingExample example : examples) {
      int head = attributes.headOf(example.getAttribute());
      if (head < 0) {
        throw new IllegalArgumentException(attributes.refusal(example.getAttribute()));
      }
      loss += heads.get(head).trainStep(List.of(example));
    }
    return examples.isEmpty() ? 0 : loss / examples.size();
  }

  @Override
  public float[] score(List<SparseFeatures> steps) {
    float[] served = new float[steps.size()];
    for (int h = 0; h < heads.size(); h++) {
      float[] rewards = heads.get(h).score(steps);
      double weight = attributes.weight(h);
      for (int s = 0; s < served.length; s++) {
        served[s] += (float) (weight * rewards[s]);
      }
    }
    return served;
  }

  @Override
  public float[] scoreHead(int head, List<SparseFeatures> steps) {
    return head < 0 ? score(steps) : heads.get(head).score(steps);
  }

  /** The published members' weighted heads: member m of the served reward is Σ weight × member m of each head. */
  @Override
  public Ensemble scoreWithUncertainty(List<SparseFeatures> steps) {
    int members = options.members();
    double[][] served = new double[steps.size()][members];
    for (int h = 0; h < heads.size(); h++) {
      float[][] weights = heads.get(h).memberWeights();
      double weight = attributes.weight(h);
      for (int s = 0; s < steps.size(); s++) {
        for (int m = 0; m < members; m++) {
          served[s][m] += weight * dot(weights[m], steps.get(s));
        }
      }
    }
    float[] mean = new float[steps.size()];
    float[] std = new float[steps.size()];
    for (int s = 0; s < steps.size(); s++) {
      float[] memberRewards = new float[members];
      for (int m = 0; m < members; m++) {
        memberRewards[m] = (float) served[s][m];
      }
      double mu = Ensemble.mean(memberRewards);
      mean[s] = (float) mu;
      std[s] = (float) Ensemble.std(memberRewards, mu);
    }
    return new Ensemble(mean, std);
  }

  /** The served margin and its spread, the heads' posteriors taken as independent. */
  @Override
  public Ensemble margins(List<SparseFeatures> a, List<SparseFeatures> b) {
    float[] mean = new float[a.size()];
    double[] variance = new double[a.size()];
    for (int h = 0; h < heads.size(); h++) {
      Ensemble head = heads.get(h).margins(a, b);
      double weight = attributes.weight(h);
      for (int p = 0; p < mean.length; p++) {
        mean[p] += (float) (weight * head.mean()[p]);
        variance[p] += weight * weight * head.std()[p] * head.std()[p];
      }
    }
    float[] std = new float[mean.length];
    for (int p = 0; p < std.length; p++) {
      std[p] = (float) Math.sqrt(variance[p]);
    }
    return new Ensemble(mean, std);
  }

  @Override
  public ModelArtifacts.Written write(Path root, String modelName, long version) throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = RewardNetwork.build(architecture, manager);
      List<Linear> outputs = OnlineLinearMixture.linearHeads(block);
      int members = architecture.members();
      for (int h = 0; h < heads.size(); h++) {
        float[][] weights = heads.get(h).memberWeights();
        for (int m = 0; m < members; m++) {
          Linear output = outputs.get(h * members + m);
          output.getParameters().get("weight").getArray().set(weights[m]);
          output.getParameters().get("bias").getArray().set(new float[] {0f});
        }
      }
      return ModelArtifacts.write(root, modelName, version, block);
    }
  }

  @Override
  public void saveState(DataOutputStream out) throws IOException {
    out.writeInt(FORMAT);
    out.writeInt(heads.size());
    for (String name : attributes.names()) {
      out.writeUTF(name);
    }
    for (OnlineLinearMixture head : heads) {
      head.saveState(out);
    }
  }

  @Override
  public void close() {
    heads.forEach(OnlineLinearMixture::close);
  }

  private static double dot(float[] weights, SparseFeatures step) {
    double r = 0;
    for (int n = 0; n < step.getIndices().size(); n++) {
      r += weights[step.getIndices().get(n)] * step.getValues().get(n);
    }
    return r;
  }
}
