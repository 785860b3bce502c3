package dev.rewardstream.model;

/**
 * A fixed low-dimensional summary of a feature vector, for watching the input distribution without shipping the
 * features: {@link #PROJECTIONS} signed random projections (each input index gets a pseudo-random ±1 per projection,
 * derived from the index alone, so every scorer instance and every restart computes the same sketch) and the log
 * count of active features. A shift in the vocabulary, the length or the numeric state of the inputs moves these
 * distributions; comparing them window to window is the feature-shift detector's job.
 *
 * <p>Random projections see changes in the features that carry much of the mass (frequent words, structural and
 * numeric features); a swap between two equally rare vocabularies projects to the same distribution and is not seen.
 */
public final class InputSketch {

  public static final int PROJECTIONS = 4;
  /** Projections plus the log count of active features. */
  public static final int DIMENSIONS = PROJECTIONS + 1;

  private InputSketch() {}

  public static float[] of(FeatureVector features) {
    float[] sketch = new float[DIMENSIONS];
    int[] indices = features.indices();
    float[] values = features.values();
    for (int i = 0; i < indices.length; i++) {
      int signs = mix(indices[i]);
      for (int p = 0; p < PROJECTIONS; p++) {
        // ±1 by arithmetic, not a branch: the signs are random, so a branch is mispredicted half the time. Exact:
        // multiplying by ±1 gives the same float as adding or subtracting the value.
        sketch[p] += values[i] * (1 - 2 * ((signs >>> p) & 1));
      }
    }
    sketch[PROJECTIONS] = (float) Math.log1p(indices.length);
    return sketch;
  }

  /** The index's projection signs, one bit each: the index spread by a Fibonacci multiplier and Murmur3's mix. */
  private static int mix(int index) {
    return Murmur3.finalMix(index * 0x9e3779b9);
  }
}
