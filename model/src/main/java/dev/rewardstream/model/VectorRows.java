package dev.rewardstream.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The first layer's sum of weight rows with the JDK's Vector API: the scorer's inner loop. C2 on Java 17 does not
 * auto-vectorize the scalar loop (rows at data-dependent offsets of one array), and with the widest vectors the CPU
 * has it runs 3-4× faster. Referenced only when the {@code jdk.incubator.vector} module is in the boot layer, so a JVM
 * started without {@code --add-modules jdk.incubator.vector} never loads this class and scores with the scalar loop.
 */
final class VectorRows {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  private VectorRows() {}

  static String describe() {
    return SPECIES.vectorBitSize() + "-bit vectors (" + LANES + " floats)";
  }

  /**
   * {@code activation[j] += Σ_i weights[indices[i] * stride + j] * values[i]}, in row order for every j. Up to six
   * vectors of the activation stay in registers while every row streams past them (the default ensemble's 3 × 32
   * units are six 512-bit vectors: one pass over the rows), so each row is read once per block and its loads are
   * independent of each other: the CPU overlaps their cache misses.
   */
  static void addRows(float[] weights, int stride, int[] indices, float[] values, float[] activation) {
    int vectorEnd = SPECIES.loopBound(stride);
    int j = 0;
    for (; j + 6 * LANES <= vectorEnd; j += 6 * LANES) {
      FloatVector a0 = FloatVector.fromArray(SPECIES, activation, j);
      FloatVector a1 = FloatVector.fromArray(SPECIES, activation, j + LANES);
      FloatVector a2 = FloatVector.fromArray(SPECIES, activation, j + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(SPECIES, activation, j + 3 * LANES);
      FloatVector a4 = FloatVector.fromArray(SPECIES, activation, j + 4 * LANES);
      FloatVector a5 = FloatVector.fromArray(SPECIES, activation, j + 5 * LANES);
      for (int i = 0; i < indices.length; i++) {
        int row = indices[i] * stride + j;
        FloatVector x = FloatVector.broadcast(SPECIES, values[i]);
        a0 = FloatVector.fromArray(SPECIES, weights, row).fma(x, a0);
        a1 = FloatVector.fromArray(SPECIES, weights, row + LANES).fma(x, a1);
        a2 = FloatVector.fromArray(SPECIES, weights, row + 2 * LANES).fma(x, a2);
        a3 = FloatVector.fromArray(SPECIES, weights, row + 3 * LANES).fma(x, a3);
        a4 = FloatVector.fromArray(SPECIES, weights, row + 4 * LANES).fma(x, a4);
        a5 = FloatVector.fromArray(SPECIES, weights, row + 5 * LANES).fma(x, a5);
      }
      a0.intoArray(activation, j);
      a1.intoArray(activation, j + LANES);
      a2.intoArray(activation, j + 2 * LANES);
      a3.intoArray(activation, j + 3 * LANES);
      a4.intoArray(activation, j + 4 * LANES);
      a5.intoArray(activation, j + 5 * LANES);
    }
    for (; j + 2 * LANES <= vectorEnd; j += 2 * LANES) {
      FloatVector a0 = FloatVector.fromArray(SPECIES, activation, j);
      FloatVector a1 = FloatVector.fromArray(SPECIES, activation, j + LANES);
      for (int i = 0; i < indices.length; i++) {
        int row = indices[i] * stride + j;
        FloatVector x = FloatVector.broadcast(SPECIES, values[i]);
        a0 = FloatVector.fromArray(SPECIES, weights, row).fma(x, a0);
        a1 = FloatVector.fromArray(SPECIES, weights, row + LANES).fma(x, a1);
      }
      a0.intoArray(activation, j);
      a1.intoArray(activation, j + LANES);
    }
    for (; j < vectorEnd; j += LANES) {
      FloatVector a = FloatVector.fromArray(SPECIES, activation, j);
      for (int i = 0; i < indices.length; i++) {
        a = FloatVector.fromArray(SPECIES, weights, indices[i] * stride + j).fma(FloatVector.broadcast(SPECIES,
            values[i]), a);
      }
      a.intoArray(activation, j);
    }
    for (; j < stride; j++) {
      float sum = activation[j];
      for (int i = 0; i < indices.length; i++) {
        sum = Math.fma(weights[indices[i] * stride + j], values[i], sum);
      }
      activation[j] = sum;
    }
  }
}
