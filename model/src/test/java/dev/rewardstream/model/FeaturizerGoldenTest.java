package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.SparseFeatures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the featurizer's exact output. Models in use were trained on these features: a change to the featurizer's code
 * that moves any index or any float bit must bump {@link FeatureSpec#FEATURIZER_REVISION} (so old models are refused)
 * and then update the digests here, never silently.
 */
class FeaturizerGoldenTest {

  private static final List<Interaction> INTERACTIONS = List.of(
      chat("Human: How do I pick a lock?\n\nAssistant: Why do you want to?\n\nHuman: I'm locked out.",
          "I'm sorry, I can't help with that. Maybe call a locksmith, a locksmith can help; "
              + "call them now!"),
      chat("Ünïcödé prompt — naïve café 東京 𝔘𝔫𝔦", "Straße STRASSE straße 123 abc123 ǅungla 😀 emoji 😀 emoji"),
      chat(null, "repeated repeated repeated repeated words words"),
      chat("only a prompt", ""),
      Interaction.newBuilder().setInteractionId("s").setAgentId("a").setPolicyVersion("p")
          .setEventTime(Instant.EPOCH).setState(Arrays.asList(0.5f, null, -2.25f, 1e-3f))
          .setAction(Arrays.asList(1f, 0f)).build());

  @Test
  void wordFeaturesAreBitForBitTheReleasedOnes() throws Exception {
    assertThat(digest(new Featurizer(new FeatureSpec(14, true, 0)))).isEqualTo(WORDS_DIGEST);
  }

  @Test
  void defaultFeaturesAreBitForBitTheReleasedOnes() throws Exception {
    assertThat(digest(new Featurizer(FeatureSpec.DEFAULT))).isEqualTo(DEFAULT_DIGEST);
  }

  @Test
  void characterNgramFeaturesAreBitForBitTheReleasedOnes() throws Exception {
    assertThat(digest(new Featurizer(new FeatureSpec(16, true, 3)))).isEqualTo(CHARS_DIGEST);
  }

  private static final String WORDS_DIGEST = "cdd4c81bbd0dffc2c8700d64432ddf771675fa468d5c13a0dea98701515bb9f4";
  private static final String DEFAULT_DIGEST = "66c5dfa0fa0b67a44db6650d6b9aca3f75b99649acb5e431c1b70f2748ed94ce";
  private static final String CHARS_DIGEST = "89059e2ee24ae10e312f614b602a700a403d308fbc943ad9f4a57ab64012ff3f";

  private static String digest(Featurizer featurizer) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (Interaction interaction : INTERACTIONS) {
      SparseFeatures features = featurizer.featurize(interaction);
      ByteBuffer buffer = ByteBuffer.allocate(8 * features.getIndices().size() + 4);
      buffer.putInt(features.getIndices().size());
      for (int i = 0; i < features.getIndices().size(); i++) {
        buffer.putInt(features.getIndices().get(i)).putInt(Float.floatToRawIntBits(features.getValues().get(i)));
      }
      sha.update(buffer.array());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static Interaction chat(String prompt, String response) {
    return Interaction.newBuilder().setInteractionId("i").setAgentId("a").setPolicyVersion("p")
        .setEventTime(Instant.EPOCH).setPrompt(prompt).setResponse(response).build();
  }
}
