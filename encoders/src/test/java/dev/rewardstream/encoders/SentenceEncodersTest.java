package dev.rewardstream.encoders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.TextEncoder;
import dev.rewardstream.schema.SparseFeatures;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every encoder this module registers, run on its real ONNX model. */
class SentenceEncodersTest {

  @ParameterizedTest
  @ValueSource(strings = {MiniLmTextEncoder.NAME, E5SmallTextEncoder.NAME})
  void isFoundByNameAndEncodesToAUnitVectorOfItsDimension(String name) {
    TextEncoder encoder = TextEncoder.named(name);
    assertThat(encoder.name()).isEqualTo(name);
    float[] v = encoder.encode("I can't help you with that.");
    assertThat(v).hasSize(encoder.dimension());
    assertThat(norm(v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
  }

  @ParameterizedTest
  @ValueSource(strings = {MiniLmTextEncoder.NAME, E5SmallTextEncoder.NAME})
  void isDeterministic(String name) {
    TextEncoder encoder = TextEncoder.named(name);
    String text = "Sure, here is how you pick a lock: first insert the tension wrench.";
    assertThat(encoder.encode(text)).containsExactly(encoder.encode(text));
  }

  /** Served from the embedding cache the second time: a caller changing its copy changes nothing for the next. */
  @ParameterizedTest
  @ValueSource(strings = {MiniLmTextEncoder.NAME, E5SmallTextEncoder.NAME})
  void givesEachCallerItsOwnCopy(String name) {
    TextEncoder encoder = TextEncoder.named(name);
    String text = "Each caller gets its own copy of " + name + "'s embedding.";
    float[] first = encoder.encode(text);
    float[] expected = first.clone();
    java.util.Arrays.fill(first, 0f);
    assertThat(encoder.encode(text)).containsExactly(expected);
    assertThat(TextEncoder.named(name).encode(text)).as("another instance of the same model").containsExactly(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {MiniLmTextEncoder.NAME, E5SmallTextEncoder.NAME})
  void placesParaphrasesCloserThanUnrelatedTexts(String name) {
    TextEncoder encoder = TextEncoder.named(name);
    float[] refusal = encoder.encode("I'm sorry, but I won't help with that.");
    float[] paraphrase = encoder.encode("Sorry, I can't assist you with this request.");
    float[] recipe = encoder.encode("Preheat the oven to 200 degrees and bake the bread for forty minutes.");
    // E5's embeddings of any two English sentences are already close (cosine about 0.7): its margins are smaller.
    assertThat(dot(refusal, paraphrase)).isGreaterThan(dot(refusal, recipe) + 0.05);
  }

  @ParameterizedTest
  @ValueSource(strings = {MiniLmTextEncoder.NAME, E5SmallTextEncoder.NAME})
  void blankTextEncodesAsZeros(String name) {
    assertThat(norm(TextEncoder.named(name).encode("  "))).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {MiniLmTextEncoder.NAME, E5SmallTextEncoder.NAME})
  void featurizerFindsItThroughTheSpec(String name) {
    FeatureSpec spec = FeatureSpec.DEFAULT.withTextEncoder(name);
    SparseFeatures with = new Featurizer(spec).featurizeText("\n\nHuman: How do I pick a lock?", "I can't help.");
    SparseFeatures without = new Featurizer(FeatureSpec.DEFAULT).featurizeText("\n\nHuman: How do I pick a lock?",
        "I can't help.");
    assertThat(with.getIndices().size()).isGreaterThan(without.getIndices().size() + 300);
  }

  @org.junit.jupiter.api.Test
  void theClassPathListsBoth() {
    assertThat(TextEncoder.available().stream().map(TextEncoder::name).toList())
        .containsAll(List.of(MiniLmTextEncoder.NAME, E5SmallTextEncoder.NAME));
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
