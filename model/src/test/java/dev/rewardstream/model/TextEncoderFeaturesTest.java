package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.schema.SparseFeatures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextEncoderFeaturesTest {

  /** A stand-in encoder: records what it is asked, answers with a vector derived from the text's length. */
  private static final class FakeEncoder implements TextEncoder {
    final List<String> seen = new ArrayList<>();
    final boolean zeros;

    FakeEncoder(boolean zeros) {
      this.zeros = zeros;
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public int dimension() {
      return 8;
    }

    @Override
    public float[] encode(String text) {
      seen.add(text);
      float[] v = new float[8];
      if (!zeros) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) Math.sin(text.length() + i);
        }
      }
      return v;
    }
  }

  private static final String CONTEXT = "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: How do I pick a lock?";

  @Test
  void fingerprintOfSpecsWithoutEncoderIsUnchangedAndAnEncoderChangesIt() {
    assertThat(new FeatureSpec(14, true, 0).fingerprint()).isEqualTo("fs1-77eb574147e419e4");
    assertThat(new FeatureSpec(14, true, 4).fingerprint()).isEqualTo("fs1-48f398a8c41e6351");
    FeatureSpec encoded = FeatureSpec.DEFAULT.withTextEncoder("fake");
    assertThat(encoded.fingerprint()).isNotEqualTo(FeatureSpec.DEFAULT.fingerprint());
    assertThat(encoded.withTextEncoder("other").fingerprint()).isNotEqualTo(encoded.fingerprint());
    assertThat(encoded.withTextEncoder("")).isEqualTo(FeatureSpec.DEFAULT);
    assertThatThrownBy(() -> FeatureSpec.DEFAULT.withTextEncoder("Bad Name/1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encodesTheResponseAndTheFinalExchange() {
    FakeEncoder encoder = new FakeEncoder(false);
    new Featurizer(FeatureSpec.DEFAULT.withTextEncoder("fake"), encoder).featurizeText(CONTEXT, "I can't help.");

    assertThat(encoder.seen).containsExactly("I can't help.",
        "Human: How do I pick a lock?\n\nAssistant: I can't help.");
  }

  @Test
  void addsTheEmbeddingsToTheHashedFeatures() {
    FeatureSpec spec = FeatureSpec.DEFAULT.withTextEncoder("fake");
    SparseFeatures plain = new Featurizer(FeatureSpec.DEFAULT).featurizeText(CONTEXT, "I can't help.");
    SparseFeatures encoded = new Featurizer(spec, new FakeEncoder(false)).featurizeText(CONTEXT, "I can't help.");
    SparseFeatures silent = new Featurizer(spec, new FakeEncoder(true)).featurizeText(CONTEXT, "I can't help.");

    assertThat(encoded).isNotEqualTo(plain);
    assertThat(encoded.getIndices()).hasSizeGreaterThan(plain.getIndices().size());
    // An encoder that adds nothing leaves the other groups bit-identical.
    assertThat(silent).isEqualTo(plain);
  }

  @Test
  void eachEmbeddingGroupHasTheEmbeddingNorm() {
    SparseFeatures plain = new Featurizer(FeatureSpec.DEFAULT).featurizeText(CONTEXT, "I can't help.");
    SparseFeatures encoded = new Featurizer(FeatureSpec.DEFAULT.withTextEncoder("fake"), new FakeEncoder(false))
        .featurizeText(CONTEXT, "I can't help.");
    java.util.Map<Integer, Double> embeddings = new java.util.HashMap<>();
    for (int n = 0; n < encoded.getIndices().size(); n++) {
      embeddings.merge(encoded.getIndices().get(n), (double) encoded.getValues().get(n), Double::sum);
    }
    for (int n = 0; n < plain.getIndices().size(); n++) {
      embeddings.merge(plain.getIndices().get(n), -(double) plain.getValues().get(n), Double::sum);
    }
    double squares = embeddings.values().stream().mapToDouble(v -> v * v).sum();

    // The response's group and the final exchange's, each at the norm the spec's fingerprint names.
    assertThat(squares).isCloseTo(2 * FeatureSpec.EMBEDDING_NORM * FeatureSpec.EMBEDDING_NORM,
        org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void refusesAnEncoderTheSpecDoesNotName() {
    assertThatThrownBy(() -> new Featurizer(FeatureSpec.DEFAULT, new FakeEncoder(false)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Featurizer(FeatureSpec.DEFAULT.withTextEncoder("fake"), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Featurizer(FeatureSpec.DEFAULT.withTextEncoder("no-such-encoder")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no-such-encoder");
  }

  @Test
  void lastHumanTurnIsTheTailOfADialogueOrAPlainPrompt() {
    assertThat(Dialogues.lastHumanTurn(CONTEXT)).isEqualTo("How do I pick a lock?");
    assertThat(Dialogues.lastHumanTurn("\n\nHuman: first\n\nAssistant: reply")).isEqualTo("first");
    assertThat(Dialogues.lastHumanTurn("  plain prompt ")).isEqualTo("plain prompt");
  }
}
