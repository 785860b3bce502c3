package dev.rewardstream.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) whose moment estimates and step counts can be saved and restored, so a restarted trainer
 * continues with the optimizer it had instead of a cold one (DJL's own Adam keeps its state private). Parameters are
 * identified by their position in the network, since DJL gives each parameter a fresh random id per process.
 */
public final class ResumableAdam extends Optimizer {

  private final float learningRate;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final Map<String, NDArray> means = new HashMap<>();
  private final Map<String, NDArray> variances = new HashMap<>();
  private final Map<String, Integer> steps = new HashMap<>();

  public ResumableAdam(float learningRate) {
    super(new Builder());
    this.learningRate = learningRate;
    this.beta1 = 0.9f;
    this.beta2 = 0.999f;
    this.epsilon = 1e-8f;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    int t = steps.merge(parameterId, 1, Integer::sum);
    NDArray m = means.computeIfAbsent(parameterId, k -> weight.zerosLike());
    NDArray v = variances.computeIfAbsent(parameterId, k -> weight.zerosLike());
    double correction1 = 1 - Math.pow(beta1, t);
    double correction2 = 1 - Math.pow(beta2, t);
    float biasCorrectedRate = (float) (learningRate * Math.sqrt(correction2) / correction1);
    // The engine's fused Adam step, as DJL's own Adam calls it: in place, outside autograd, on our moment arrays.
    weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, m, v), new NDList(weight), learningRate,
        biasCorrectedRate, 0f, rescaleGrad, clipGrad, beta1, beta2, epsilon, true, false);
  }

  /** Writes the state of the parameters, in the given (network) order. */
  public void save(DataOutputStream out, List<String> parameterIdsInOrder) throws IOException {
    out.writeInt(parameterIdsInOrder.size());
    for (String id : parameterIdsInOrder) {
      Integer t = steps.get(id);
      out.writeInt(t == null ? 0 : t);
      if (t != null) {
        writeArray(out, means.get(id));
        writeArray(out, variances.get(id));
      }
    }
  }

  /** Restores state written by {@link #save} onto this network's parameters (same architecture, same order). */
  public void load(DataInputStream in, List<String> parameterIdsInOrder, NDManager manager) throws IOException {
    int count = in.readInt();
    if (count != parameterIdsInOrder.size()) {
      throw new IOException("optimizer state for " + count + " parameters, the network has "
          + parameterIdsInOrder.size());
    }
    for (String id : parameterIdsInOrder) {
      int t = in.readInt();
      if (t > 0) {
        steps.put(id, t);
        means.put(id, manager.decode(readBytes(in)));
        variances.put(id, manager.decode(readBytes(in)));
      }
    }
  }

  private static void writeArray(DataOutputStream out, NDArray array) throws IOException {
    byte[] bytes = array.encode();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return bytes;
  }

  private static final class Builder extends OptimizerBuilder<Builder> {
    @Override
    protected Builder self() {
      return this;
    }
  }
}
