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
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The reward model being trained: a DJL {@link Trainer} over the shared reward network, taking one optimizer step per
 * batch of examples. Pairwise examples use {@link PreferenceLoss}, pointwise ones {@link RegressionLoss}; a mixed
 * batch optimizes their sum (one multi-task model).
 *
 * <p>Runs on the first GPU when the PyTorch engine sees one, else on the CPU.
 */
public final class OnlineRewardLearner implements AutoCloseable {

  private final FeatureSpec spec;
  private final RewardNetwork.Architecture architecture;
  private final Model model;
  private final Trainer trainer;
  private final PreferenceLoss preferenceLoss = new PreferenceLoss();
  private final RegressionLoss regressionLoss = new RegressionLoss();

  public OnlineRewardLearner(FeatureSpec spec, int hidden, float learningRate) {
    this.spec = spec;
    this.architecture = new RewardNetwork.Architecture(spec.dimension(), hidden);
    this.model = Model.newInstance("reward", device());
    model.setBlock(RewardNetwork.create(architecture));
    DefaultTrainingConfig config = new DefaultTrainingConfig(preferenceLoss)
        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build())
        .optDevices(new Device[] {model.getNDManager().getDevice()});
    this.trainer = model.newTrainer(config);
    trainer.initialize(RewardNetwork.inputShape(architecture));
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

  /** One optimizer step on {@code examples}; returns the loss before the step. */
  public double trainStep(List<TrainingExample> examples) {
    ExampleBatch batch = new ExampleBatch(examples);
    double lossValue;
    try (NDManager scope = trainer.getManager().newSubManager();
        GradientCollector collector = trainer.newGradientCollector()) {
      NDArray input = RewardNetwork.dense(scope, batch.steps, architecture.inputDim());
      NDArray stepRewards = trainer.forward(new NDList(input)).singletonOrThrow().reshape(batch.steps.size(), 1);
      NDArray loss = scope.zeros(new ai.djl.ndarray.types.Shape());
      if (!batch.pairwise.isEmpty()) {
        NDArray[] sides = batch.sideMembership(scope);
        NDArray rA = sides[0].matMul(stepRewards).reshape(-1);
        NDArray rB = sides[1].matMul(stepRewards).reshape(-1);
        loss = loss.add(preferenceLoss.evaluate(
            new NDList(batch.pairwise(scope, TrainingExample::getTarget), batch.pairwise(scope, TrainingExample::getWeight),
                batch.pairwise(scope, TrainingExample::getMargin)),
            new NDList(rA, rB)));
      }
      if (!batch.pointwise.isEmpty()) {
        NDArray r = stepRewards.reshape(-1).get(scope.create(batch.pointwiseRows()));
        loss = loss.add(regressionLoss.evaluate(
            new NDList(batch.pointwise(scope, TrainingExample::getTarget),
                batch.pointwise(scope, TrainingExample::getWeight)),
            new NDList(r)));
      }
      lossValue = loss.getFloat();
      collector.backward(loss);
    }
    trainer.step();
    return lossValue;
  }

  /** Per-step rewards of the current parameters, without gradients. */
  public float[] score(List<dev.rewardstream.schema.SparseFeatures> steps) {
    if (steps.isEmpty()) {
      return new float[0];
    }
    try (NDManager scope = trainer.getManager().newSubManager()) {
      return RewardNetwork.stepRewards(model.getBlock(), new ParameterStore(scope, false), scope, steps,
          architecture.inputDim(), false).toFloatArray();
    }
  }

  public Evaluation evaluate(List<TrainingExample> examples) {
    return Evaluation.of(examples, SideRewards.of(examples, this::score));
  }

  public ModelArtifacts.Written write(Path root, String modelName, long version) throws IOException {
    return ModelArtifacts.write(root, modelName, version, model.getBlock());
  }

  /** Continues from a published version: its verified parameters replace the current ones. */
  public void restore(ModelUpdate update) throws ArtifactRejectedException {
    ModelArtifacts.loadInto(update, spec, model.getBlock(), model.getNDManager());
    // Loaded arrays are new; they must take part in autograd like the ones the trainer initialized.
    for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
      if (parameter.getValue().requiresGradient()) {
        parameter.getValue().getArray().setRequiresGradient(true);
      }
    }
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
