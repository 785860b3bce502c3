package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InputSketchTest {

  private final Featurizer featurizer = new Featurizer(FeatureSpec.DEFAULT);

  @Test
  void shouldBeAPureFunctionOfTheFeatures() {
    FeatureVector features = featurizer.featurizeVector(interaction("how are you", "fine thanks and you"));

    assertThat(InputSketch.of(features)).hasSize(InputSketch.DIMENSIONS)
        .containsExactly(InputSketch.of(featurizer.featurizeVector(interaction("how are you", "fine thanks and you"))));
    assertThat(InputSketch.of(features)[InputSketch.PROJECTIONS]).isEqualTo((float) Math.log1p(features.size()));
  }

  /**
   * Responses drawn (Zipf-like) from one vocabulary, then from another: some dimension's distribution moves beyond
   * the KS critical value the feature-shift detector uses, while two samples of the same vocabulary stay within it.
   */
  @Test
  void shouldMoveWhenTheVocabularyChangesAndStayWhenItDoesNot() {
    List<String> before = vocabulary("ka", "lo", "mi", "ne");
    List<String> after = vocabulary("zu", "ti", "po", "fe");
    SplittableRandom random = new SplittableRandom(7);
    double critical = criticalValue(300, 300, 1e-4 / InputSketch.DIMENSIONS);

    double shifted = maxDistance(sketches(before, 300, random), sketches(after, 300, random));
    double stationary = maxDistance(sketches(before, 300, random), sketches(before, 300, random));

    assertThat(shifted).isGreaterThan(critical);
    assertThat(stationary).isLessThan(critical);
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

  private List<float[]> sketches(List<String> vocabulary, int n, SplittableRandom random) {
    List<float[]> sketches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder response = new StringBuilder();
      int words = 5 + random.nextInt(20);
      for (int w = 0; w < words; w++) {
        // Zipf-like: low ranks far more often, as in text.
        int rank = (int) Math.floor(Math.pow(vocabulary.size(), random.nextDouble())) - 1;
        response.append(vocabulary.get(rank)).append(' ');
      }
      sketches.add(InputSketch.of(featurizer.featurizeVector(interaction("what now?", response.toString()))));
    }
    return sketches;
  }

  private static double maxDistance(List<float[]> a, List<float[]> b) {
    double max = 0;
    for (int d = 0; d < InputSketch.DIMENSIONS; d++) {
      max = Math.max(max, ksStatistic(column(a, d), column(b, d)));
    }
    return max;
  }

  private static double[] column(List<float[]> rows, int d) {
    return rows.stream().mapToDouble(row -> row[d]).sorted().toArray();
  }

  /** Two-sample KS distance of sorted samples (here so the model module does not depend on the scorer's copy). */
  private static double ksStatistic(double[] x, double[] y) {
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < x.length && j < y.length) {
      double value = Math.min(x[i], y[j]);
      while (i < x.length && x[i] <= value) {
        i++;
      }
      while (j < y.length && y[j] <= value) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
    }
    return d;
  }

  private static double criticalValue(int n, int m, double alpha) {
    return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((double) (n + m) / ((double) n * m));
  }

  private static dev.rewardstream.schema.Interaction interaction(String prompt, String response) {
    return dev.rewardstream.schema.Interaction.newBuilder().setInteractionId("i").setAgentId("a").setPolicyVersion("p")
        .setEventTime(java.time.Instant.EPOCH).setPrompt(prompt).setResponse(response).build();
  }
}
