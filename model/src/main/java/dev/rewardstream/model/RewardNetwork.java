package dev.rewardstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.rewardstream.schema.SparseFeatures;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reward network: hashed sparse features → scalar reward. An MLP with one ReLU hidden layer and a scalar head
 * (hidden = 0 gives a linear model), as an ensemble of {@code members} independently initialized copies whose spread
 * is the model's epistemic uncertainty. The trainer and the scorer both build it here.
 */
public final class RewardNetwork {

  private RewardNetwork() {}

  /**
   * What a parameters file belongs to; travels in the model-update event. A multi-attribute model has {@code heads}
   * outputs per member: the network's outputs are head-major, output {@code h × members + m} is head h of member m.
   */
  public record Architecture(int inputDim, int hidden, int members, int heads) {
    private static final Pattern FORMAT =
        Pattern.compile("mlp\\(in=(\\d+),hidden=(\\d+)(?:,members=(\\d+))?(?:,heads=(\\d+))?\\)");

    public Architecture {
      if (members < 1) {
        throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
      }
      if (heads < 1) {
        throw new IllegalArgumentException("a reward network needs at least one head, got " + heads);
      }
    }

    public Architecture(int inputDim, int hidden, int members) {
      this(inputDim, hidden, members, 1);
    }

    public Architecture(int inputDim, int hidden) {
      this(inputDim, hidden, 1, 1);
    }

    /** Scalar outputs of the whole network: every member's every head. */
    public int outputs() {
      return members * heads;
    }

    public String describe() {
      return "mlp(in=" + inputDim + ",hidden=" + hidden + (members > 1 ? ",members=" + members : "")
          + (heads > 1 ? ",heads=" + heads : "") + ")";
    }

    public static Architecture parse(String text) {
      Matcher m = FORMAT.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException("unknown reward network architecture: " + text);
      }
      return new Architecture(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          m.group(3) == null ? 1 : Integer.parseInt(m.group(3)), m.group(4) == null ? 1 : Integer.parseInt(m.group(4)));
    }
  }

  /**
   * A new network with uninitialized parameters (a DJL trainer initializes them); outputs [rows, heads × members].
   * Each output is a copy of the member network: heads share the features, not parameters.
   */
  public static Block create(Architecture architecture) {
    if (architecture.outputs() == 1) {
      return member(architecture);
    }
    List<Block> members = new java.util.ArrayList<>();
    for (int k = 0; k < architecture.outputs(); k++) {
      members.add(member(architecture));
    }
    return new ParallelBlock(outputs -> new NDList(NDArrays.concat(
        new NDList(outputs.stream().map(NDList::singletonOrThrow).toList()), 1)), members);
  }

  private static Block member(Architecture architecture) {
    SequentialBlock block = new SequentialBlock();
    if (architecture.hidden() > 0) {
      block.add(Linear.builder().setUnits(architecture.hidden()).build());
      block.add(Activation::relu);
    }
    block.add(Linear.builder().setUnits(1).build());
    return block;
  }

  /** A new network with initialized parameters owned by {@code manager}. */
  public static Block build(Architecture architecture, NDManager manager) {
    Block block = create(architecture);
    block.initialize(manager, DataType.FLOAT32, inputShape(architecture));
    return block;
  }

  public static Shape inputShape(Architecture architecture) {
    return new Shape(1, architecture.inputDim());
  }

  /** Every member's reward of each step, shape [steps.size(), members]. */
  public static NDArray memberRewards(
      Block block, ParameterStore parameters, NDManager manager, List<SparseFeatures> steps, int inputDim,
      boolean training) {
    NDArray input = dense(manager, steps, inputDim);
    NDArray out = block.forward(parameters, new NDList(input), training).singletonOrThrow();
    return out.reshape(steps.size(), -1);
  }

  /** Sparse rows → one dense [rows, inputDim] matrix. */
  public static NDArray dense(NDManager manager, List<SparseFeatures> rows, int inputDim) {
    float[] data = new float[rows.size() * inputDim];
    for (int r = 0; r < rows.size(); r++) {
      SparseFeatures row = rows.get(r);
      List<Integer> indices = row.getIndices();
      List<Float> values = row.getValues();
      int base = r * inputDim;
      for (int i = 0; i < indices.size(); i++) {
        int index = indices.get(i);
        if (index < 0 || index >= inputDim) {
          throw new IllegalArgumentException("feature index " + index + " outside [0, " + inputDim + ")");
        }
        data[base + index] += values.get(i);
      }
    }
    return manager.create(data, new Shape(rows.size(), inputDim));
  }
}
