package dev.rewardstream.model;

import dev.rewardstream.schema.SparseFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * An interaction's hashed features as primitive arrays (indices ascending, unique), as the featurizer builds them.
 * The scorer's hot path featurizes and scores on these without boxing; {@link #toAvro()} gives the record that
 * training examples carry.
 *
 * @param responseTokens how many word tokens the response has (-1 without a response): the length the
 *     reward-hacking detector correlates with, counted exactly as the features count it
 */
public record FeatureVector(int[] indices, float[] values, int responseTokens) {

  public int size() {
    return indices.length;
  }

  public SparseFeatures toAvro() {
    List<Integer> outIndices = new ArrayList<>(indices.length);
    List<Float> outValues = new ArrayList<>(values.length);
    for (int i = 0; i < indices.length; i++) {
      outIndices.add(indices[i]);
      outValues.add(values[i]);
    }
    return new SparseFeatures(outIndices, outValues);
  }

  public static FeatureVector of(SparseFeatures features) {
    List<Integer> indices = features.getIndices();
    List<Float> values = features.getValues();
    int[] outIndices = new int[indices.size()];
    float[] outValues = new float[values.size()];
    for (int i = 0; i < outIndices.length; i++) {
      outIndices[i] = indices.get(i);
      outValues[i] = values.get(i);
    }
    return new FeatureVector(outIndices, outValues, -1);
  }
}
