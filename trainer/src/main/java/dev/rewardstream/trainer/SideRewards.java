package dev.rewardstream.trainer;

import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Scores every step of a set of examples in one call and sums them per side. */
public final class SideRewards {

  private SideRewards() {}

  /** One head's per-step rewards; head -1 is the served reward (the weighted heads). */
  @FunctionalInterface
  public interface HeadScorer {
    float[] score(int head, List<SparseFeatures> steps);
  }

  /**
   * (rA, rB) per pairwise example, (r, NaN) per pointwise one, each example scored by the head of the attribute it
   * judges ({@link RewardAttributes#headOf}), so each label measures the head that learns it; one call per head.
   */
  public static double[][] byAttribute(List<TrainingExample> examples, RewardAttributes attributes,
      HeadScorer scorer) {
    if (!attributes.named()) {
      return of(examples, steps -> scorer.score(0, steps));
    }
    Map<Integer, List<Integer>> byHead = new TreeMap<>();
    for (int i = 0; i < examples.size(); i++) {
      byHead.computeIfAbsent(attributes.headOf(examples.get(i).getAttribute()), h -> new ArrayList<>()).add(i);
    }
    double[][] sides = new double[examples.size()][];
    byHead.forEach((head, indices) -> {
      double[][] scored = of(indices.stream().map(examples::get).toList(), steps -> scorer.score(head, steps));
      for (int k = 0; k < indices.size(); k++) {
        sides[indices.get(k)] = scored[k];
      }
    });
    return sides;
  }

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
