package dev.rewardstream.trainer;

import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Scores every step of a set of examples in one call and sums them per side. */
public final class SideRewards {

  private SideRewards() {}

  /** (rA, rB) per pairwise example, (r, NaN) per pointwise one. */
  public static double[][] of(List<TrainingExample> examples, Function<List<SparseFeatures>, float[]> scoreSteps) {
    List<SparseFeatures> steps = new ArrayList<>();
    for (TrainingExample example : examples) {
      steps.addAll(example.getA());
      steps.addAll(example.getB());
    }
    float[] rewards = scoreSteps.apply(steps);
    double[][] sides = new double[examples.size()][];
    int at = 0;
    for (int i = 0; i < examples.size(); i++) {
      TrainingExample example = examples.get(i);
      double a = 0;
      for (int s = 0; s < example.getA().size(); s++) {
        a += rewards[at++];
      }
      double b = 0;
      for (int s = 0; s < example.getB().size(); s++) {
        b += rewards[at++];
      }
      sides[i] = example.getKind() == ExampleKind.PAIRWISE ? new double[] {a, b} : new double[] {a, Double.NaN};
    }
    return sides;
  }
}
