package dev.rewardstream.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch laid out for one forward pass: every step of every side of every example in one list, plus the 0/1
 * membership matrices that sum per-step rewards into a side's reward (a trajectory segment's reward is the sum of its
 * steps', Christiano et al. 2017; a single output is a segment of one step).
 */
final class ExampleBatch {

  final List<SparseFeatures> steps = new ArrayList<>();
  final List<TrainingExample> pairwise = new ArrayList<>();
  final List<TrainingExample> pointwise = new ArrayList<>();
  private final List<int[]> pairwiseSpans = new ArrayList<>();
  private final List<Integer> pointwiseRows = new ArrayList<>();

  ExampleBatch(List<TrainingExample> examples) {
    for (TrainingExample example : examples) {
      if (example.getKind() == ExampleKind.PAIRWISE) {
        int aStart = steps.size();
        steps.addAll(example.getA());
        int bStart = steps.size();
        steps.addAll(example.getB());
        pairwiseSpans.add(new int[] {aStart, bStart, steps.size()});
        pairwise.add(example);
      } else {
        pointwiseRows.add(steps.size());
        steps.add(example.getA().get(0));
        pointwise.add(example);
      }
    }
  }

  /** [pairs, steps] matrices selecting side A's and side B's steps. */
  NDArray[] sideMembership(NDManager manager) {
    int n = steps.size();
    float[] a = new float[pairwise.size() * n];
    float[] b = new float[pairwise.size() * n];
    for (int p = 0; p < pairwise.size(); p++) {
      int[] span = pairwiseSpans.get(p);
      for (int s = span[0]; s < span[1]; s++) {
        a[p * n + s] = 1f;
      }
      for (int s = span[1]; s < span[2]; s++) {
        b[p * n + s] = 1f;
      }
    }
    Shape shape = new Shape(pairwise.size(), n);
    return new NDArray[] {manager.create(a, shape), manager.create(b, shape)};
  }

  long[] pointwiseRows() {
    return pointwiseRows.stream().mapToLong(Integer::longValue).toArray();
  }

  NDArray pairwise(NDManager manager, java.util.function.ToDoubleFunction<TrainingExample> field) {
    return column(manager, pairwise, field);
  }

  NDArray pointwise(NDManager manager, java.util.function.ToDoubleFunction<TrainingExample> field) {
    return column(manager, pointwise, field);
  }

  private static NDArray column(NDManager manager, List<TrainingExample> examples,
      java.util.function.ToDoubleFunction<TrainingExample> field) {
    float[] values = new float[examples.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) field.applyAsDouble(examples.get(i));
    }
    return manager.create(values);
  }
}
