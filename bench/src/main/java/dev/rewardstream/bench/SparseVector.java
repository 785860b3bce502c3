package dev.rewardstream.bench;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/** A sparse vector with ascending, unique indices. */
record SparseVector(int[] indices, double[] values) {

  static SparseVector of(int[] indices, float[] values) {
    double[] v = new double[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = values[i];
    }
    return new SparseVector(indices.clone(), v);
  }

  /** The sum of several vectors (a side's steps). */
  static SparseVector sum(List<SparseVector> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    TreeMap<Integer, Double> total = new TreeMap<>();
    for (SparseVector part : parts) {
      for (int k = 0; k < part.indices.length; k++) {
        total.merge(part.indices[k], part.values[k], Double::sum);
      }
    }
    int[] indices = new int[total.size()];
    double[] values = new double[total.size()];
    int k = 0;
    for (var e : total.entrySet()) {
      indices[k] = e.getKey();
      values[k++] = e.getValue();
    }
    return new SparseVector(indices, values);
  }

  /** a − b, coordinates that cancel left out. */
  static SparseVector difference(SparseVector a, SparseVector b) {
    int[] indices = new int[a.indices.length + b.indices.length];
    double[] values = new double[indices.length];
    int n = 0;
    int x = 0;
    int y = 0;
    while (x < a.indices.length || y < b.indices.length) {
      if (y >= b.indices.length || (x < a.indices.length && a.indices[x] < b.indices[y])) {
        indices[n] = a.indices[x];
        values[n++] = a.values[x++];
      } else if (x >= a.indices.length || b.indices[y] < a.indices[x]) {
        indices[n] = b.indices[y];
        values[n++] = -b.values[y++];
      } else {
        double v = a.values[x] - b.values[y];
        if (v != 0) {
          indices[n] = a.indices[x];
          values[n++] = v;
        }
        x++;
        y++;
      }
    }
    return new SparseVector(Arrays.copyOf(indices, n), Arrays.copyOf(values, n));
  }
}
