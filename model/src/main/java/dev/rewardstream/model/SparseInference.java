package dev.rewardstream.model;

import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * The reward network evaluated directly on sparse features, in plain Java. An interaction has a few hundred non-zero
 * features out of 2^14, so the first layer is a sum of that many weight rows instead of a dense matrix product, and
 * a scoring call needs no native memory, no JNI and no lock: the scorer's hot path. Parameters are copied out of the
 * verified DJL network once, at load; the arithmetic differs from the dense forward pass only in the order of float
 * additions and fused multiply-adds (within 1e-5 relative).
 *
 * <p>The first layer runs on the Vector API ({@link VectorRows}) when the JVM has {@code jdk.incubator.vector} (every
 * launcher of this project adds it) and on a scalar loop otherwise, with the same results up to float rounding.
 */
final class SparseInference {

  /** How the first layer's rows are summed. */
  enum Kernel {
    SCALAR, VECTOR;

    /**
     * VECTOR when the JVM was started with {@code --add-modules jdk.incubator.vector}, unless the system property
     * {@code rewardstream.inference=scalar} asks for the scalar loop (to compare the two on the same machine).
     */
    static final Kernel DEFAULT = chooseDefault();

    private static Kernel chooseDefault() {
      boolean available = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
      Kernel kernel = available && !"scalar".equals(System.getProperty("rewardstream.inference")) ? VECTOR : SCALAR;
      org.slf4j.LoggerFactory.getLogger(SparseInference.class).info("reward inference: {}", kernel == VECTOR
          ? "Vector API, " + VectorRows.describe()
          : available ? "scalar loop (rewardstream.inference=scalar)"
              : "scalar loop (start the JVM with --add-modules jdk.incubator.vector for the vectorized one)");
      return kernel;
    }
  }

  /**
   * Every member's parameters interleaved: the first-layer weights of input i for all members are one contiguous row
   * of {@code members × hidden} floats ({@code members} for linear members), so a feature costs one cache-friendly
   * row read whatever the ensemble size.
   */
  private final int members;
  private final int hidden;
  private final float[] firstWeightsByInput;
  private final float[] firstBias;
  private final float[] headWeights;
  private final float[] headBias;
  private final Kernel kernel;
  // The hidden layer's sums, one array per thread: allocated per row, they were most of what scoring a planner's
  // 20,000 imagined steps allocated.
  private final ThreadLocal<float[]> activationScratch;

  private SparseInference(int members, int hidden, float[] firstWeightsByInput, float[] firstBias,
      float[] headWeights, float[] headBias, Kernel kernel) {
    this.kernel = kernel;
    this.members = members;
    this.hidden = hidden;
    this.firstWeightsByInput = firstWeightsByInput;
    this.firstBias = firstBias;
    this.headWeights = headWeights;
    this.headBias = headBias;
    this.activationScratch = ThreadLocal.withInitial(() -> new float[firstBias.length]);
  }

  static SparseInference of(Block network, RewardNetwork.Architecture architecture) {
    List<Block> memberBlocks = architecture.outputs() == 1 ? List.of(network)
        : new ArrayList<>(network.getChildren().values());
    int members = memberBlocks.size();
    int hidden = architecture.hidden();
    int input = architecture.inputDim();
    int width = Math.max(1, hidden);
    int stride = members * width;
    float[] first = new float[input * stride];
    float[] firstBias = new float[stride];
    float[] head = new float[stride];
    float[] headBias = new float[members];
    for (int m = 0; m < members; m++) {
      List<Linear> layers = new ArrayList<>();
      for (Block child : memberBlocks.get(m).getChildren().values()) {
        if (child instanceof Linear linear) {
          layers.add(linear);
        }
      }
      float[] w1 = layers.get(0).getParameters().get("weight").getArray().toFloatArray(); // [width][input]
      for (int h = 0; h < width; h++) {
        for (int i = 0; i < input; i++) {
          first[i * stride + m * width + h] = w1[h * input + i];
        }
      }
      if (hidden > 0) {
        System.arraycopy(layers.get(0).getParameters().get("bias").getArray().toFloatArray(), 0, firstBias,
            m * width, width);
        System.arraycopy(layers.get(1).getParameters().get("weight").getArray().toFloatArray(), 0, head, m * width,
            width);
        headBias[m] = layers.get(1).getParameters().get("bias").getArray().toFloatArray()[0];
      } else {
        headBias[m] = layers.get(0).getParameters().get("bias").getArray().toFloatArray()[0];
      }
    }
    return of(members, hidden, first, firstBias, head, headBias);
  }

  /**
   * From parameters already interleaved by input: {@code firstWeightsByInput[i * members * width + m * width + h]},
   * width = max(1, hidden).
   */
  static SparseInference of(int members, int hidden, float[] firstWeightsByInput, float[] firstBias,
      float[] headWeights, float[] headBias) {
    return new SparseInference(members, hidden, firstWeightsByInput, firstBias, headWeights, headBias, Kernel.DEFAULT);
  }

  /** The same parameters summed by {@code kernel}. */
  SparseInference withKernel(Kernel kernel) {
    return new SparseInference(members, hidden, firstWeightsByInput, firstBias, headWeights, headBias, kernel);
  }

  int members() {
    return members;
  }

  /**
   * For a linear network, per input, whether the outputs {@code from} … {@code to − 1} all weigh it the same: where a
   * linear ensemble's members agree exactly. Null for a network with a hidden layer, whose members agree on nothing
   * input by input.
   */
  boolean[] inputsWhereOutputsAgree(int from, int to) {
    if (hidden > 0) {
      return null;
    }
    boolean[] agree = new boolean[firstWeightsByInput.length / members];
    for (int i = 0; i < agree.length; i++) {
      int base = i * members;
      boolean same = true;
      for (int o = from + 1; o < to && same; o++) {
        same = firstWeightsByInput[base + o] == firstWeightsByInput[base + from];
      }
      agree[i] = same;
    }
    return agree;
  }

  /** Every member's reward of one row. */
  float[] memberRewards(FeatureVector row) {
    int[] indices = row.indices();
    float[] values = row.values();
    float[] out = new float[members];
    if (hidden == 0) {
      for (int m = 0; m < members; m++) {
        out[m] = headBias[m];
      }
      for (int i = 0; i < indices.length; i++) {
        int base = indices[i] * members;
        float x = values[i];
        for (int m = 0; m < members; m++) {
          out[m] += firstWeightsByInput[base + m] * x;
        }
      }
      return out;
    }
    int stride = members * hidden;
    float[] activation = activationScratch.get();
    System.arraycopy(firstBias, 0, activation, 0, firstBias.length);
    if (kernel == Kernel.VECTOR) {
      VectorRows.addRows(firstWeightsByInput, stride, indices, values, activation);
    } else {
      addRowsScalar(stride, indices, values, activation);
    }
    for (int m = 0; m < members; m++) {
      float reward = headBias[m];
      for (int h = m * hidden; h < (m + 1) * hidden; h++) {
        reward += Math.max(0f, activation[h]) * headWeights[h];
      }
      out[m] = reward;
    }
    return out;
  }

  private void addRowsScalar(int stride, int[] indices, float[] values, float[] activation) {
    float[] w = firstWeightsByInput;
    int i = 0;
    // Four rows at a time: their cache misses overlap instead of queueing one behind the other (the rows are spread
    // over megabytes, so fetching them is most of the cost).
    for (; i + 4 <= indices.length; i += 4) {
      int b0 = indices[i] * stride;
      int b1 = indices[i + 1] * stride;
      int b2 = indices[i + 2] * stride;
      int b3 = indices[i + 3] * stride;
      float x0 = values[i];
      float x1 = values[i + 1];
      float x2 = values[i + 2];
      float x3 = values[i + 3];
      for (int j = 0; j < stride; j++) {
        activation[j] += w[b0 + j] * x0 + w[b1 + j] * x1 + w[b2 + j] * x2 + w[b3 + j] * x3;
      }
    }
    for (; i < indices.length; i++) {
      int base = indices[i] * stride;
      float x = values[i];
      for (int j = 0; j < stride; j++) {
        activation[j] += w[base + j] * x;
      }
    }
  }
}
