package dev.rewardstream.trainer;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.TrainingExample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Pairwise examples from a known rule: responses are made of words, "good" words are worth +1 and "bad" words −1, and
 * the side with the higher total is preferred (ties excluded). A model that learns the word values ranks every pair.
 */
final class SyntheticPreferences {

  static final List<String> GOOD = List.of("helpful", "clear", "accurate", "kind", "thorough");
  static final List<String> BAD = List.of("rude", "wrong", "vague", "unsafe", "lazy");
  private static final List<String> NEUTRAL = List.of("the", "answer", "is", "here", "about", "this", "topic");

  private final Featurizer featurizer;
  private final Random random;
  private final String fingerprint;

  SyntheticPreferences(FeatureSpec spec, long seed) {
    this.featurizer = new Featurizer(spec);
    this.random = new Random(seed);
    this.fingerprint = spec.fingerprint();
  }

  List<TrainingExample> pairs(String prefix, int n) {
    List<TrainingExample> examples = new ArrayList<>();
    while (examples.size() < n) {
      String a = response();
      String b = response();
      int diff = value(a) - value(b);
      if (diff == 0) {
        continue;
      }
      examples.add(TrainingExample.newBuilder()
          .setExampleId(prefix + examples.size()).setKind(ExampleKind.PAIRWISE).setFeatureSpec(fingerprint)
          .setA(List.of(featurizer.featurizeText("q", a))).setB(List.of(featurizer.featurizeText("q", b)))
          .setTarget(diff > 0 ? 1f : 0f).setSource(LabelSource.SYNTHETIC)
          .setEventTime(Instant.now()).setProducedAt(Instant.now()).build());
    }
    return examples;
  }

  private String response() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      double u = random.nextDouble();
      List<String> from = u < 0.25 ? GOOD : u < 0.5 ? BAD : NEUTRAL;
      text.append(from.get(random.nextInt(from.size()))).append(' ');
    }
    return text.toString();
  }

  static int value(String response) {
    int v = 0;
    for (String word : response.split(" ")) {
      v += GOOD.contains(word) ? 1 : BAD.contains(word) ? -1 : 0;
    }
    return v;
  }
}
