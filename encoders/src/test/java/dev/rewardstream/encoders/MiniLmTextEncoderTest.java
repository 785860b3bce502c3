package dev.rewardstream.encoders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.TextEncoder;
import dev.rewardstream.schema.SparseFeatures;
import org.junit.jupiter.api.Test;

class MiniLmTextEncoderTest {

  private final TextEncoder encoder = TextEncoder.named(MiniLmTextEncoder.NAME);

  @Test
  void isFoundByNameAndEncodesToAUnitVectorOfItsDimension() {
    assertThat(encoder).isInstanceOf(MiniLmTextEncoder.class);
    float[] v = encoder.encode("I can't help you with that.");
    assertThat(v).hasSize(encoder.dimension());
    assertThat(norm(v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void isDeterministic() {
    String text = "Sure, here is how you pick a lock: first insert the tension wrench.";
    assertThat(encoder.encode(text)).containsExactly(encoder.encode(text));
  }

  @Test
  void placesParaphrasesCloserThanUnrelatedTexts() {
    float[] refusal = encoder.encode("I'm sorry, but I won't help with that.");
    float[] paraphrase = encoder.encode("Sorry, I can't assist you with this request.");
    float[] recipe = encoder.encode("Preheat the oven to 200 degrees and bake the bread for forty minutes.");
    assertThat(dot(refusal, paraphrase)).isGreaterThan(dot(refusal, recipe) + 0.2);
  }

  @Test
  void blankTextEncodesAsZeros() {
    assertThat(norm(encoder.encode("  "))).isZero();
  }

  @Test
  void featurizerFindsItThroughTheSpec() {
    FeatureSpec spec = FeatureSpec.DEFAULT.withTextEncoder(MiniLmTextEncoder.NAME);
    SparseFeatures with = new Featurizer(spec).featurizeText("\n\nHuman: How do I pick a lock?", "I can't help.");
    SparseFeatures without = new Featurizer(FeatureSpec.DEFAULT).featurizeText("\n\nHuman: How do I pick a lock?",
        "I can't help.");
    assertThat(with.getIndices().size()).isGreaterThan(without.getIndices().size() + 300);
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
