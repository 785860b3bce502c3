package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;

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

  /** Projections are linear: the sketch of two disjoint feature sets is the sum of their sketches. */
  @Test
  void shouldProjectLinearly() {
    FeatureVector a = new FeatureVector(new int[] {3, 70}, new float[] {0.5f, -1f}, 2);
    FeatureVector b = new FeatureVector(new int[] {12, 900}, new float[] {2f, 0.25f}, 2);
    FeatureVector both = new FeatureVector(new int[] {3, 12, 70, 900}, new float[] {0.5f, 2f, -1f, 0.25f}, 4);

    for (int p = 0; p < InputSketch.PROJECTIONS; p++) {
      assertThat(InputSketch.of(both)[p]).isCloseTo(InputSketch.of(a)[p] + InputSketch.of(b)[p],
          org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(Math.abs(InputSketch.of(a)[p])).isIn(0.5f, 1.5f);
    }
  }

  private static dev.rewardstream.schema.Interaction interaction(String prompt, String response) {
    return dev.rewardstream.schema.Interaction.newBuilder().setInteractionId("i").setAgentId("a").setPolicyVersion("p")
        .setEventTime(java.time.Instant.EPOCH).setPrompt(prompt).setResponse(response).build();
  }
}
