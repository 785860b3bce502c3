package dev.rewardstream.model;

import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import dev.rewardstream.schema.SparseFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * The reward network evaluated directly on sparse features, in plain Java. An interaction has a few hundred non-zero
 * features out of 2^14, so the first layer is a sum of that many weight rows instead of a dense matrix product, and
 * a scoring call needs no native memory, no JNI and no lock: the scorer's hot path. Parameters are copied out of the
 * verified DJL network once, at load; the arithmetic differs from the dense forward pass only in the order of float
 * additions (within 1e-6 relative).
 */
final class SparseInference {

  /** One member: first layer transposed ([input][hidden], rows contiguous), then the scalar head. */
  private record Member(int hidden, float[] firstWeightsByInput, float[] firstBias, float[] headWeights,
      float headBias) {}

  private final List<Member> members;

  private SparseInference(List<Member> members) {
    this.members = members;
  }

  static SparseInference of(Block network, RewardNetwork.Architecture architecture) {
    List<Block> memberBlocks = architecture.members() == 1 ? List.of(network)
        : new ArrayList<>(network.getChildren().values());
    List<Member> members = new ArrayList<>();
    for (Block member : memberBlocks) {
      List<Linear> layers = new ArrayList<>();
      for (Block child : member.getChildren().values()) {
        if (child instanceof Linear linear) {
          layers.add(linear);
        }
      }
      members.add(architecture.hidden() > 0 ? mlp(layers.get(0), layers.get(1), architecture)
          : linear(layers.get(0), architecture));
    }
    return new SparseInference(members);
  }

  private static Member mlp(Linear first, Linear head, RewardNetwork.Architecture architecture) {
    int hidden = architecture.hidden();
    int input = architecture.inputDim();
    float[] w1 = first.getParameters().get("weight").getArray().toFloatArray(); // [hidden][input]
    float[] transposed = new float[input * hidden];
    for (int h = 0; h < hidden; h++) {
      for (int i = 0; i < input; i++) {
        transposed[i * hidden + h] = w1[h * input + i];
      }
    }
    return new Member(hidden, transposed, first.getParameters().get("bias").getArray().toFloatArray(),
        head.getParameters().get("weight").getArray().toFloatArray(),
        head.getParameters().get("bias").getArray().toFloatArray()[0]);
  }

  private static Member linear(Linear only, RewardNetwork.Architecture architecture) {
    return new Member(0, only.getParameters().get("weight").getArray().toFloatArray(), new float[0], new float[0],
        only.getParameters().get("bias").getArray().toFloatArray()[0]);
  }

  int members() {
    return members.size();
  }

  /** Every member's reward of one row. */
  float[] memberRewards(SparseFeatures row) {
    List<Integer> indices = row.getIndices();
    List<Float> values = row.getValues();
    float[] out = new float[members.size()];
    for (int k = 0; k < members.size(); k++) {
      Member m = members.get(k);
      if (m.hidden() == 0) {
        float sum = m.headBias();
        for (int i = 0; i < indices.size(); i++) {
          sum += m.firstWeightsByInput()[indices.get(i)] * values.get(i);
        }
        out[k] = sum;
        continue;
      }
      float[] activation = m.firstBias().clone();
      for (int i = 0; i < indices.size(); i++) {
        int base = indices.get(i) * m.hidden();
        float x = values.get(i);
        for (int h = 0; h < m.hidden(); h++) {
          activation[h] += m.firstWeightsByInput()[base + h] * x;
        }
      }
      float reward = m.headBias();
      for (int h = 0; h < m.hidden(); h++) {
        reward += Math.max(0f, activation[h]) * m.headWeights()[h];
      }
      out[k] = reward;
    }
    return out;
  }
}
