package dev.rewardstream.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import ai.djl.ndarray.types.Shape;
import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The reward model being trained: a DJL {@link Trainer} over the shared reward network, taking one optimizer step per
 * batch of examples. Pairwise examples use {@link PreferenceLoss}, pointwise ones {@link RegressionLoss}; a mixed
 * batch optimizes their sum (one multi-task model).
 *
 * <p>Runs on the first GPU when the PyTorch engine sees one, else on the CPU.
 */
public final class OnlineRewardLearner implements RewardLearner {

  private final FeatureSpec spec;
  private final LearnerOptions options;
  private final RewardNetwork.Architecture architecture;
  private final Model model;
  private final Trainer trainer;
  private final PreferenceLoss preferenceLoss = new PreferenceLoss();
  private final RegressionLoss regressionLoss = new RegressionLoss();
  private final Random bootstrap;
  private final ResumableAdam optimizer;

  public OnlineRewardLearner(FeatureSpec spec, int hidden, float learningRate) {
    this(spec, LearnerOptions.network().withHidden(hidden).withLearningRate(learningRate).withMembers(1));
  }

  public OnlineRewardLearner(FeatureSpec spec, LearnerOptions options) {
    this(spec, options, learner -> {});
  }

  /** Loads state into a learner after its network is initialized and before its DJL trainer exists. */
  @FunctionalInterface
  private interface StateLoader {
    void load(OnlineRewardLearner learner) throws Exception;
  }

  private OnlineRewardLearner(FeatureSpec spec, LearnerOptions options, StateLoader loader) {
    this.spec = spec;
    this.options = options;
    this.architecture = new RewardNetwork.Architecture(spec.dimension(), options.hidden(), options.members());
    this.bootstrap = new Random(options.seed());
    Engine.getInstance().setRandomSeed((int) options.seed());
    this.model = Model.newInstance("reward", device());
    model.setBlock(RewardNetwork.create(architecture));
    this.optimizer = new ResumableAdam(options.learningRate());
    // Restored parameters must be in place before the trainer exists: its parameter store keeps the arrays it sees
    // first, and its initialize() leaves parameters that already have values alone.
    model.getBlock().initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32,
        RewardNetwork.inputShape(architecture));
    try {
      loader.load(this);
    } catch (Exception e) {
      model.close();
      throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getMessage(), e);
    }
    DefaultTrainingConfig config = new DefaultTrainingConfig(preferenceLoss)
        .optOptimizer(optimizer)
        .optDevices(new Device[] {model.getNDManager().getDevice()});
    this.trainer = model.newTrainer(config);
    trainer.initialize(RewardNetwork.inputShape(architecture));
  }

  /** A learner continuing from a published version's verified parameters (with a fresh optimizer). */
  public static OnlineRewardLearner fromPublished(FeatureSpec spec, LearnerOptions options, ModelUpdate update,
      ArtifactStore store) throws ArtifactRejectedException {
    try {
      return new OnlineRewardLearner(spec, options, learner -> ModelArtifacts.loadInto(update, spec, store,
          learner.model.getBlock(), learner.model.getNDManager()));
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof ArtifactRejectedException rejected) {
        throw rejected;
      }
      throw e;
    }
  }

  /** A learner continuing from what {@link #saveState} wrote: parameters and optimizer moments. */
  public static OnlineRewardLearner fromState(FeatureSpec spec, LearnerOptions options, DataInputStream in)
      throws IOException {
    try {
      return new OnlineRewardLearner(spec, options, learner -> learner.loadState(in));
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  /** The first GPU if the engine has one, else the CPU. */
  public static Device device() {
    Engine engine = Engine.getInstance();
    return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  public RewardNetwork.Architecture architecture() {
    return architecture;
  }

  public FeatureSpec featureSpec() {
    return spec;
  }

  /**
   * One optimizer step on {@code examples}; returns the loss before the step. Each ensemble member sees its own
   * bootstrap resample of the batch (online bagging: Poisson(1) weights, Oza and Russell 2001), so the members
   * disagree where the data is thin.
   */
  public double trainStep(List<TrainingExample> examples) {
    if (nothingToLearn(examples)) {
      // Every example weighs 0 (e.g. a label source weighted 0) and no centering term applies: the gradient is zero,
      // and DJL refuses a first step on all-zero gradients.
      return 0;
    }
    ExampleBatch batch = new ExampleBatch(examples);
    int members = architecture.members();
    double lossValue;
    try (NDManager scope = trainer.getManager().newSubManager();
        GradientCollector collector = trainer.newGradientCollector()) {
      NDArray input = RewardNetwork.dense(scope, batch.steps, architecture.inputDim());
      NDArray stepRewards = trainer.forward(new NDList(input)).singletonOrThrow().reshape(batch.steps.size(), members);
      NDArray loss = scope.zeros(new Shape());
      if (!batch.pairwise.isEmpty()) {
        NDArray[] sides = batch.sideMembership(scope);
        NDArray rA = sides[0].matMul(stepRewards);
        NDArray rB = sides[1].matMul(stepRewards);
        NDArray weight = batch.pairwise(scope, e -> e.getWeight() * options.sourceWeight(e.getSource()))
            .expandDims(1).mul(bootstrapWeights(scope, batch.pairwise.size(), members));
        loss = loss.add(preferenceLoss.evaluate(
            new NDList(batch.pairwise(scope, TrainingExample::getTarget).expandDims(1), weight,
                batch.pairwise(scope, TrainingExample::getMargin).expandDims(1)),
            new NDList(rA, rB)));
        if (options.centerRewardsCoefficient() > 0) {
          // TRL's center_rewards_coefficient: keeps rewards near zero so the scale stays identifiable.
          loss = loss.add(rA.add(rB).square().mean().mul((float) options.centerRewardsCoefficient()));
        }
      }
      if (!batch.pointwise.isEmpty()) {
        NDArray r = stepRewards.get(scope.create(batch.pointwiseRows()));
        NDArray weight = batch.pointwise(scope, TrainingExample::getWeight).expandDims(1)
            .mul(bootstrapWeights(scope, batch.pointwise.size(), members));
        loss = loss.add(regressionLoss.evaluate(
            new NDList(batch.pointwise(scope, TrainingExample::getTarget).expandDims(1), weight), new NDList(r)));
      }
      lossValue = loss.getFloat();
      collector.backward(loss);
    }
    trainer.step();
    return lossValue;
  }

  private boolean nothingToLearn(List<TrainingExample> examples) {
    for (TrainingExample example : examples) {
      boolean pairwise = example.getKind() == dev.rewardstream.schema.ExampleKind.PAIRWISE;
      double weight = example.getWeight() * (pairwise ? options.sourceWeight(example.getSource()) : 1);
      if (weight != 0 || (pairwise && options.centerRewardsCoefficient() > 0)) {
        return false;
      }
    }
    return true;
  }

  private NDArray bootstrapWeights(NDManager manager, int rows, int members) {
    float[] weights = new float[rows * members];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = members == 1 ? 1f : poisson1();
    }
    return manager.create(weights, new Shape(rows, members));
  }

  /** Knuth's method for Poisson(λ = 1). */
  private int poisson1() {
    double limit = Math.exp(-1);
    double product = bootstrap.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= bootstrap.nextDouble();
      k++;
    }
    return k;
  }

  /** Per-step rewards of the current parameters (ensemble mean), without gradients. */
  public float[] score(List<SparseFeatures> steps) {
    return scoreWithUncertainty(steps).mean();
  }

  public Ensemble scoreWithUncertainty(List<SparseFeatures> steps) {
    if (steps.isEmpty()) {
      return new Ensemble(new float[0], new float[0]);
    }
    try (NDManager scope = trainer.getManager().newSubManager()) {
      return Ensemble.of(RewardNetwork.memberRewards(model.getBlock(), new ParameterStore(scope, false), scope, steps,
          architecture.inputDim(), false));
    }
  }

  @Override
  public Ensemble margins(List<SparseFeatures> a, List<SparseFeatures> b) {
    if (a.isEmpty()) {
      return new Ensemble(new float[0], new float[0]);
    }
    try (NDManager scope = trainer.getManager().newSubManager()) {
      ParameterStore store = new ParameterStore(scope, false);
      NDArray rewardsA = RewardNetwork.memberRewards(model.getBlock(), store, scope, a, architecture.inputDim(), false);
      NDArray rewardsB = RewardNetwork.memberRewards(model.getBlock(), store, scope, b, architecture.inputDim(), false);
      return Ensemble.of(rewardsA.sub(rewardsB));
    }
  }

  public ModelArtifacts.Written write(Path root, String modelName, long version) throws IOException {
    return ModelArtifacts.write(root, modelName, version, model.getBlock());
  }

  /** Parameters and optimizer state, for the trainer's checkpoint. */
  public void saveState(DataOutputStream out) throws IOException {
    model.getBlock().saveParameters(out);
    optimizer.save(out, parameterIds());
  }

  private void loadState(DataInputStream in) throws IOException {
    try {
      model.getBlock().loadParameters(model.getNDManager(), in);
    } catch (ai.djl.MalformedModelException e) {
      throw new IOException("checkpoint parameters do not fit " + architecture.describe(), e);
    }
    optimizer.load(in, parameterIds(), model.getNDManager());
  }

  private List<String> parameterIds() {
    List<String> ids = new java.util.ArrayList<>();
    for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
      ids.add(parameter.getValue().getId());
    }
    return ids;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
