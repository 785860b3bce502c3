package dev.rewardstream.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The signed hashed features of one interaction, group after group in one pair of arrays; each group is
 * L2-normalized in place once it is complete ({@link #normalizeGroup}), then summed per index and sorted
 * ({@link #build}).
 */
final class FeatureAccumulator {
  private final int mask;
  private int[] indices;
  private float[] values;
  private int size;
  private int groupStart;
  // build's working arrays, kept for the next build: an accumulator reused per thread (a planner's 20,000 imagined
  // steps) then allocates only the vector it returns.
  private int[] positionPlusOne = new int[0];
  private int[] distinctIndices = new int[0];
  private float[] distinctValues = new float[0];

  /** @param mask the feature space's size minus one (a power of two minus one) */
  FeatureAccumulator(int capacity, int mask) {
    this.mask = mask;
    indices = new int[capacity];
    values = new float[capacity];
  }

  void addHashed(String feature, float value) {
    byte[] bytes = feature.getBytes(StandardCharsets.UTF_8);
    addHashed(bytes, bytes.length, value);
  }

  void addHashed(byte[] feature, int length, float value) {
    addHash(Murmur3.hash(feature, length), value);
  }

  /** Adds the feature whose name hashes to {@code h}: its low bits pick the index, its top bit the sign. */
  void addHash(int h, float value) {
    add(h & mask, (h >>> 31) == 0 ? value : -value);
  }

  void add(int index, float value) {
    if (size == indices.length) {
      indices = Arrays.copyOf(indices, Math.max(16, size * 2));
      values = Arrays.copyOf(values, Math.max(16, size * 2));
    }
    indices[size] = index;
    values[size] = value;
    size++;
  }

  /** Empties the accumulator for the next interaction, keeping its arrays. */
  void reset() {
    size = 0;
    groupStart = 0;
  }

  void startGroup() {
    groupStart = size;
  }

  /** {@link #normalizeGroup(float)} to unit norm. */
  void normalizeGroup() {
    normalizeGroup(1f);
  }

  /** Scales the features added since {@link #startGroup} to L2 norm {@code norm}; a group of norm 0 is left out. */
  void normalizeGroup(float norm) {
    double squares = 0;
    for (int i = groupStart; i < size; i++) {
      squares += (double) values[i] * values[i];
    }
    if (squares == 0) {
      size = groupStart;
      return;
    }
    float scale = (float) (norm / Math.sqrt(squares));
    for (int i = groupStart; i < size; i++) {
      values[i] *= scale;
    }
  }

  /**
   * Sums duplicate indices (a repeated word, a hash collision between groups), in insertion order per index so the
   * result is reproducible, then sorts the distinct indices. Duplicates are merged in an open-addressing table
   * first, so the sort sees the distinct features of a long text instead of every hashed one.
   */
  FeatureVector build(int responseTokens) {
    int capacity = Integer.highestOneBit(Math.max(8, 2 * size) - 1) << 1;
    int tableMask = capacity - 1;
    if (positionPlusOne.length < capacity) {
      positionPlusOne = new int[capacity];
      // capacity is at least twice size, so these fit every later build this table fits
      distinctIndices = new int[capacity / 2];
      distinctValues = new float[capacity / 2];
    } else {
      Arrays.fill(positionPlusOne, 0, capacity, 0);
    }
    int[] distinctIndices = this.distinctIndices;
    float[] distinctValues = this.distinctValues;
    int distinct = 0;
    for (int i = 0; i < size; i++) {
      int index = indices[i];
      int slot = Murmur3.finalMix(index) & tableMask;
      while (true) {
        int at = positionPlusOne[slot];
        if (at == 0) {
          distinctIndices[distinct] = index;
          distinctValues[distinct] = values[i];
          positionPlusOne[slot] = ++distinct;
          break;
        }
        if (distinctIndices[at - 1] == index) {
          distinctValues[at - 1] += values[i];
          break;
        }
        slot = (slot + 1) & tableMask;
      }
    }
    if (distinct <= INSERTION_SORT_MAX) {
      return new FeatureVector(insertionSorted(distinctIndices, distinctValues, distinct),
          Arrays.copyOf(distinctValues, distinct), responseTokens);
    }
    // Least-significant-digit radix sort on the index, at most 8 bits a pass (two passes of 7 for 2^14
    // features): no comparisons, so none of the mispredicted branches that made a comparison sort of ~40 hashed
    // (random) indices a tenth of the scorer's processing time.
    int passes = (Integer.bitCount(mask) + 7) / 8;
    int digitBits = (Integer.bitCount(mask) + passes - 1) / passes;
    int digitMask = (1 << digitBits) - 1;
    int[] sortedIndices = distinctIndices;
    float[] sortedValues = distinctValues;
    int[] starts = new int[digitMask + 2];
    for (int pass = 0, shift = 0; pass < passes; pass++, shift += digitBits) {
      Arrays.fill(starts, 0);
      for (int d = 0; d < distinct; d++) {
        starts[(sortedIndices[d] >>> shift & digitMask) + 1]++;
      }
      for (int digit = 0; digit <= digitMask; digit++) {
        starts[digit + 1] += starts[digit];
      }
      int[] nextIndices = new int[distinct];
      float[] nextValues = new float[distinct];
      for (int d = 0; d < distinct; d++) {
        int at = starts[sortedIndices[d] >>> shift & digitMask]++;
        nextIndices[at] = sortedIndices[d];
        nextValues[at] = sortedValues[d];
      }
      sortedIndices = nextIndices;
      sortedValues = nextValues;
    }
    return new FeatureVector(sortedIndices, sortedValues, responseTokens);
  }

  /**
   * Up to this many distinct features (a control step's: 7, or 22 with quadratic numbers) are sorted by insertion, in
   * place: the radix sort's digit counts and per-pass copies were most of the 1.1 KB a step's featurizing allocated,
   * garbage that a planner's request of 20,000 steps made the collector copy mid-request.
   */
  private static final int INSERTION_SORT_MAX = 24;

  /** Sorts the first {@code n} indices ascending, moving their values with them; returns the sorted indices. */
  private static int[] insertionSorted(int[] indices, float[] values, int n) {
    for (int i = 1; i < n; i++) {
      int index = indices[i];
      float value = values[i];
      int j = i - 1;
      while (j >= 0 && indices[j] > index) {
        indices[j + 1] = indices[j];
        values[j + 1] = values[j];
        j--;
      }
      indices[j + 1] = index;
      values[j + 1] = value;
    }
    return Arrays.copyOf(indices, n);
  }
}
