package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.SparseFeatures;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeaturizerTest {

  /**
   * The tokenizer writes each token's UTF-8 bytes straight from the code points; its tokens must be exactly those of
   * lower-casing runs of letters and digits into Strings, for any text: ASCII, accented and non-Latin letters, digits
   * of other scripts, supplementary characters (emoji, Deseret capitals that lower-case to 4 UTF-8 bytes), unpaired
   * surrogates and the Turkish dotted capital I; and every ASCII character, which takes a table lookup of its own.
   */
  @Test
  void shouldTokenizeExactlyLikeLowerCasingRunsOfLettersAndDigitsIntoStrings() {
    StringBuilder ascii = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      ascii.append(c);
    }
    String alphabet = ascii + "\u00e9\u00c9\u0130\u03a3\u0436\u4e2d\u0663\ud83d\ude00\ud801\udc00\ud800x\udc00";
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    int[] codePoints = alphabet.codePoints().toArray();
    for (int sample = 0; sample < 5_000; sample++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int c = 0; c < length; c++) {
        text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
      }
      assertThat(Featurizer.tokens(text.toString())).as("tokens of %s", text).isEqualTo(byStrings(text.toString()));
    }
    assertThat(Featurizer.tokens("Hello, WORLD 42\u00c9t\u00e9")).containsExactly("hello", "world", "42\u00e9t\u00e9");
  }

  private static List<String> byStrings(String text) {
    List<String> tokens = new java.util.ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp)) {
        current.appendCodePoint(Character.toLowerCase(cp));
      } else if (current.length() > 0) {
        tokens.add(current.toString());
        current.setLength(0);
      }
    }
    if (current.length() > 0) {
      tokens.add(current.toString());
    }
    return tokens;
  }


  private final Featurizer featurizer = new Featurizer(FeatureSpec.DEFAULT);

  /** Every width the spec allows sorts in a different number of radix passes and digit sizes. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {4, 7, 9, 14, 16, 17, 23, 24})
  void shouldProduceSortedUniqueIndicesInsideTheSpace(int hashBits) {
    FeatureSpec spec = new FeatureSpec(hashBits, true);
    String response = "Mix flour, water, salt and yeast. Bake bread. " + "Knead the dough and let it rise. ".repeat(5)
        + String.join(" ", java.util.stream.IntStream.range(0, 300).mapToObj(i -> "word" + i).toList());
    SparseFeatures f = new Featurizer(spec).featurizeText("How do I bake bread?", response);

    List<Integer> indices = f.getIndices();
    assertThat(indices).isSorted().doesNotHaveDuplicates();
    assertThat(indices).allMatch(i -> i >= 0 && i < spec.dimension());
    assertThat(indices).hasSizeGreaterThan(Math.min(spec.dimension() / 2, 300));
    assertThat(f.getValues()).hasSameSizeAs(indices).allMatch(Float::isFinite);
  }

  @Test
  void shouldBeAPureFunctionOfTheInteraction() {
    SparseFeatures first = featurizer.featurizeText("prompt text", "the same response text");
    SparseFeatures again = new Featurizer(FeatureSpec.DEFAULT).featurizeText("prompt text", "the same response text");

    assertThat(again).isEqualTo(first);
  }

  @Test
  void shouldSeparateResponseWordsFromPromptWords() {
    SparseFeatures inResponse = featurizer.featurizeText("", "bread");
    SparseFeatures inPrompt = featurizer.featurizeText("bread", "");

    assertThat(inResponse.getIndices()).isNotEqualTo(inPrompt.getIndices());
  }

  @Test
  void shouldFlagMissingNumericValuesWithAMaskFeature() {
    Interaction complete = step(Arrays.asList(0.5f, 1.0f));
    Interaction missing = step(Arrays.asList(0.5f, null));

    SparseFeatures a = featurizer.featurize(complete);
    SparseFeatures b = featurizer.featurize(missing);

    assertThat(b.getIndices()).isNotEqualTo(a.getIndices());
    assertThat(b.getValues()).allMatch(Float::isFinite);
  }

  @Test
  void shouldSplitTheFinalAssistantTurnOffAnHhRlhfDialogue() {
    String dialogue = "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: how are you?\n\nAssistant: Fine, thanks.";

    Dialogues.Split split = Dialogues.splitLastAssistantTurn(dialogue);

    assertThat(split.response()).isEqualTo("Fine, thanks.");
    assertThat(split.context()).endsWith("how are you?");
    assertThat(Dialogues.countTurns(split.context())).isEqualTo(3);
    assertThatThrownBy(() -> Dialogues.splitLastAssistantTurn("no turns")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldChangeTheFingerprintWithTheSpec() {
    assertThat(new FeatureSpec(14, false).fingerprint()).isEqualTo(FeatureSpec.DEFAULT.fingerprint());
    assertThat(new FeatureSpec(15, false).fingerprint()).isNotEqualTo(FeatureSpec.DEFAULT.fingerprint());
    assertThat(new FeatureSpec(14, true).fingerprint()).isNotEqualTo(FeatureSpec.DEFAULT.fingerprint());
  }

  @Test
  void shouldAddCharacterNgramsWhenTheSpecAsksForThem() {
    Featurizer withChars = new Featurizer(new FeatureSpec(14, true, 3));
    SparseFeatures words = featurizer.featurizeText("q", "colour");
    SparseFeatures chars = withChars.featurizeText("q", "colour");
    SparseFeatures misspelt = withChars.featurizeText("q", "color");

    assertThat(chars.getIndices()).hasSizeGreaterThan(words.getIndices().size());
    assertThat(chars.getIndices()).as("shared trigrams survive a spelling change")
        .containsAnyElementsOf(misspelt.getIndices().stream().filter(i -> !words.getIndices().contains(i)).toList());
    assertThat(new FeatureSpec(14, true, 3).fingerprint()).isNotEqualTo(FeatureSpec.DEFAULT.fingerprint());
  }

  private static Interaction step(List<Float> state) {
    return Interaction.newBuilder().setInteractionId("s").setAgentId("a").setPolicyVersion("p")
        .setEventTime(Instant.EPOCH).setState(state).build();
  }
}
