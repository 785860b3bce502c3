package dev.rewardstream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.InputSketch;
import dev.rewardstream.schema.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The feature-shift detector on sketches of real featurized text: responses drawn (Zipf-like, as words are) from one
 * vocabulary, then from another, raise it; the same vocabulary throughout does not.
 */
class FeatureShiftOnTextTest {

  private static final DriftConfig CONFIG = DriftConfig.defaults().withWindows(300, 300, 30);
  private final Featurizer featurizer = new Featurizer(FeatureSpec.DEFAULT);

  @Test
  void shouldRaiseWhenTheVocabularyChanges() {
    SplittableRandom random = new SplittableRandom(7);
    List<Verdict.State> states = run(vocabulary("ka", "lo", "mi", "ne"), vocabulary("zu", "ti", "po", "fe"), random);

    assertThat(states).contains(Verdict.State.DRIFT);
  }

  @Test
  void shouldStayQuietWhileTheVocabularyStays() {
    SplittableRandom random = new SplittableRandom(7);
    List<String> words = vocabulary("ka", "lo", "mi", "ne");
    List<Verdict.State> states = run(words, words, random);

    assertThat(states).contains(Verdict.State.CLEAR).doesNotContain(Verdict.State.DRIFT);
  }

  /** 300 reference responses from {@code before}, then 600 from {@code after}; the verdicts of the evaluations. */
  private List<Verdict.State> run(List<String> before, List<String> after, SplittableRandom random) {
    FeatureShiftDetector detector = new FeatureShiftDetector(CONFIG);
    List<Verdict.State> states = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      float[] sketch = InputSketch.of(featurizer.featurizeVector(response(i < 300 ? before : after, random)));
      Verdict verdict = detector.observe(new Observation(0, 0, -1, Double.NaN, sketch));
      if (verdict.state() != Verdict.State.PENDING) {
        states.add(verdict.state());
      }
    }
    return states;
  }

  private static List<String> vocabulary(String... syllables) {
    List<String> words = new ArrayList<>();
    for (String a : syllables) {
      for (String b : syllables) {
        for (String c : syllables) {
          words.add(a + b + c);
        }
      }
    }
    return words;
  }

  private static Interaction response(List<String> vocabulary, SplittableRandom random) {
    StringBuilder response = new StringBuilder();
    int words = 5 + random.nextInt(20);
    for (int w = 0; w < words; w++) {
      int rank = (int) Math.floor(Math.pow(vocabulary.size(), random.nextDouble())) - 1;
      response.append(vocabulary.get(rank)).append(' ');
    }
    return Interaction.newBuilder().setInteractionId("i").setAgentId("a").setPolicyVersion("p")
        .setEventTime(Instant.EPOCH).setPrompt("what now?").setResponse(response.toString()).build();
  }
}
