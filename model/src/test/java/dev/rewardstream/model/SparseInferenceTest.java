package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SparseInferenceTest {

  @Test
  void shouldVectorizeInTheTestJvm() {
    // The build adds --add-modules jdk.incubator.vector to every launcher; without it the comparison below would
    // compare the scalar loop with itself.
    assertThat(SparseInference.Kernel.DEFAULT).isEqualTo(SparseInference.Kernel.VECTOR);
  }

  /**
   * Both kernels against a double-precision reference, for strides that are whole 6-vector blocks, leave 2-vector
   * blocks or single vectors over, or end in a scalar tail, on any vector width.
   */
  @ParameterizedTest(name = "{0} members x {1} hidden")
  @CsvSource({"3, 32", "4, 8", "1, 20", "3, 5", "2, 67", "1, 1", "5, 32", "7, 24", "1, 48"})
  void shouldMatchAReferenceForwardPassWithEitherKernel(int members, int hidden) {
    Random random = new Random(members * 1000L + hidden);
    int inputs = 4096;
    int stride = members * hidden;
    float[] first = gaussian(random, inputs * stride, 0.1);
    float[] firstBias = gaussian(random, stride, 0.1);
    float[] head = gaussian(random, stride, 1);
    float[] headBias = gaussian(random, members, 1);
    SparseInference vector = SparseInference.of(members, hidden, first, firstBias, head, headBias)
        .withKernel(SparseInference.Kernel.VECTOR);
    SparseInference scalar = vector.withKernel(SparseInference.Kernel.SCALAR);
    for (int sample = 0; sample < 200; sample++) {
      FeatureVector row = randomRow(random, inputs, sample % 70);
      float[] expected = reference(members, hidden, first, firstBias, head, headBias, row);
      float[] fromVector = vector.memberRewards(row);
      float[] fromScalar = scalar.memberRewards(row);
      for (int m = 0; m < members; m++) {
        float tolerance = 1e-5f * Math.max(1f, Math.abs(expected[m]));
        assertThat(fromVector[m]).as("vector, member %d of row %d", m, sample)
            .isCloseTo(expected[m], org.assertj.core.data.Offset.offset(tolerance));
        assertThat(fromScalar[m]).as("scalar, member %d of row %d", m, sample)
            .isCloseTo(expected[m], org.assertj.core.data.Offset.offset(tolerance));
      }
    }
  }

  private static float[] reference(int members, int hidden, float[] first, float[] firstBias, float[] head,
      float[] headBias, FeatureVector row) {
    int stride = members * hidden;
    float[] out = new float[members];
    for (int m = 0; m < members; m++) {
      double reward = headBias[m];
      for (int h = 0; h < hidden; h++) {
        int unit = m * hidden + h;
        double activation = firstBias[unit];
        for (int i = 0; i < row.indices().length; i++) {
          activation += (double) first[row.indices()[i] * stride + unit] * row.values()[i];
        }
        reward += Math.max(0, activation) * head[unit];
      }
      out[m] = (float) reward;
    }
    return out;
  }

  private static FeatureVector randomRow(Random random, int inputs, int size) {
    TreeSet<Integer> distinct = new TreeSet<>();
    while (distinct.size() < size) {
      distinct.add(random.nextInt(inputs));
    }
    int[] indices = distinct.stream().mapToInt(Integer::intValue).toArray();
    float[] values = gaussian(random, size, 0.3);
    return new FeatureVector(indices, values, size);
  }

  private static float[] gaussian(Random random, int size, double scale) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) (random.nextGaussian() * scale);
    }
    return values;
  }
}
