package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rewardstream.schema.Interaction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * With quadratic numbers, a control reward R(s, a) = w·s − |a − K·s|² is a linear function of the features: one
 * weight per named feature reproduces it exactly, which the unit-length vectors of the default spec cannot.
 */
class QuadraticNumbersTest {

  private static final FeatureSpec SPEC = new FeatureSpec(14, false).withQuadraticNumbers();

  @Test
  void shouldMakeAQuadraticControlRewardLinearInTheFeatures() {
    // Given R(s, a) = w·s − |a − K·s|², expanded into weights on the named features
    double[] w = {0.7, -1.2, 0.4};
    double[][] k = {{0.5, -0.3, 0.2}, {-0.4, 0.1, 0.6}};
    Map<String, Double> named = new HashMap<>();
    for (int j = 0; j < 3; j++) {
      named.put("s:" + j, w[j]);
    }
    for (int i = 0; i < 2; i++) {
      named.merge("q:a" + i + "*a" + i, -1.0, Double::sum);
      for (int j = 0; j < 3; j++) {
        named.merge("q:s" + j + "*a" + i, 2 * k[i][j], Double::sum);
        for (int l = j; l < 3; l++) {
          named.merge("q:s" + j + "*s" + l, -(j == l ? 1 : 2) * k[i][j] * k[i][l], Double::sum);
        }
      }
    }
    double[] weights = new double[SPEC.dimension()];
    named.forEach((name, weight) -> {
      int h = Murmur3.hash(name.getBytes(StandardCharsets.UTF_8));
      weights[h & (SPEC.dimension() - 1)] += (h >>> 31) == 0 ? weight : -weight;
    });
    Featurizer featurizer = new Featurizer(SPEC);
    Random random = new Random(3);

    for (int n = 0; n < 50; n++) {
      float[] s = {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian()};
      float[] a = {(float) (2 * random.nextGaussian()), (float) (2 * random.nextGaussian())};
      double truth = 0;
      for (int j = 0; j < 3; j++) {
        truth += w[j] * s[j];
      }
      for (int i = 0; i < 2; i++) {
        double ideal = 0;
        for (int j = 0; j < 3; j++) {
          ideal += k[i][j] * s[j];
        }
        truth -= (a[i] - ideal) * (a[i] - ideal);
      }

      // When
      FeatureVector features = featurizer.featurizeVector(step(s, a));

      // Then
      double linear = 0;
      for (int f = 0; f < features.indices().length; f++) {
        linear += weights[features.indices()[f]] * features.values()[f];
      }
      assertThat(linear).as("step %d", n).isCloseTo(truth, within(1e-3 * (1 + Math.abs(truth))));
    }
  }

  @Test
  void shouldKeepMagnitudesAndSkipMissingValues() {
    Featurizer quadratic = new Featurizer(SPEC);
    FeatureVector once = quadratic.featurizeVector(step(new float[] {1f, 2f, 0.5f}, new float[] {1f, -1f}));
    FeatureVector twice = quadratic.featurizeVector(step(new float[] {2f, 4f, 1f}, new float[] {2f, -2f}));
    assertThat(twice.indices()).isEqualTo(once.indices());
    Featurizer unit = new Featurizer(new FeatureSpec(14, false));
    assertThat(unit.featurizeVector(step(new float[] {2f, 4f, 1f}, new float[] {2f, -2f})).values())
        .as("the default spec scales each vector to unit length").containsExactly(
            unit.featurizeVector(step(new float[] {1f, 2f, 0.5f}, new float[] {1f, -1f})).values(), within(1e-6f));
    assertThat(Arrays.equals(twice.values(), once.values())).as("quadratic numbers keep the scale").isFalse();

    List<Float> withMissing = new ArrayList<>(List.of(1f, 2f, 0.5f));
    withMissing.set(1, null);
    FeatureVector missing = quadratic.featurizeVector(Interaction.newBuilder().setInteractionId("i").setAgentId("a")
        .setPolicyVersion("p").setEventTime(Instant.EPOCH).setState(withMissing).setAction(List.of(1f, -1f))
        .build());
    // 2 values, 1 mask, 2 actions, bias, length; products of the 4 present values: 10.
    assertThat(missing.indices().length).isLessThanOrEqualTo(2 + 1 + 2 + 2 + 10);
    assertThat(SPEC.fingerprint()).isNotEqualTo(new FeatureSpec(14, false).fingerprint());
  }

  @Test
  void shouldFeaturizePrimitiveVectorsAsTheirInteraction() {
    for (FeatureSpec spec : List.of(new FeatureSpec(14, false), SPEC)) {
      Featurizer featurizer = new Featurizer(spec);
      List<Float> state = new ArrayList<>(List.of(0.3f, -1.5f, 2f));
      state.set(1, null);
      Interaction interaction = Interaction.newBuilder().setInteractionId("i").setAgentId("a").setPolicyVersion("p")
          .setEventTime(Instant.EPOCH).setState(state).setAction(List.of(0.7f, -0.2f)).build();

      FeatureVector fromInteraction = featurizer.featurizeVector(interaction);
      FeatureVector fromPrimitives = featurizer.featurizeNumbers(new float[] {0.3f, Float.NaN, 2f},
          new float[] {0.7f, -0.2f});

      assertThat(fromPrimitives.indices()).as("%s", spec).isEqualTo(fromInteraction.indices());
      assertThat(fromPrimitives.values()).as("%s", spec).isEqualTo(fromInteraction.values());
      assertThat(fromPrimitives.responseTokens()).isEqualTo(fromInteraction.responseTokens());
      assertThat(featurizer.featurizeNumbers(null, new float[] {1f, 2f}).indices())
          .isEqualTo(featurizer.featurizeVector(Interaction.newBuilder(interaction).setState(null)
              .setAction(List.of(1f, 2f)).build()).indices());
    }
  }

  @Test
  void shouldFeaturizeEachStepAsIfAloneWhenOneThreadFeaturizesStepsOfEverySize() {
    // featurizeNumbers reuses one accumulator per thread: a wide step, then narrow ones, then a wide one again must
    // each get what a fresh featurizing of its interaction gets
    Random random = new Random(5);
    for (FeatureSpec spec : List.of(new FeatureSpec(14, false), SPEC)) {
      Featurizer featurizer = new Featurizer(spec);
      for (int width : new int[] {2, 4, 1, 3, 12, 40, 7, 40}) {
        float[] state = new float[width];
        float[] action = new float[1 + width / 3];
        for (int j = 0; j < width; j++) {
          state[j] = j % 5 == 4 ? Float.NaN : (float) random.nextGaussian();
        }
        for (int j = 0; j < action.length; j++) {
          action[j] = (float) random.nextGaussian();
        }
        List<Float> boxedState = new ArrayList<>();
        for (float v : state) {
          boxedState.add(Float.isNaN(v) ? null : v);
        }
        Interaction interaction = Interaction.newBuilder(step(new float[0], action)).setState(boxedState).build();

        FeatureVector expected = featurizer.featurizeVector(interaction);
        FeatureVector reused = featurizer.featurizeNumbers(state, action);

        assertThat(reused.indices()).as("%s, width %d", spec, width).isEqualTo(expected.indices());
        assertThat(reused.values()).as("%s, width %d", spec, width).isEqualTo(expected.values());
      }
    }
  }

  private static Interaction step(float[] state, float[] action) {
    List<Float> s = new ArrayList<>();
    for (float v : state) {
      s.add(v);
    }
    List<Float> a = new ArrayList<>();
    for (float v : action) {
      a.add(v);
    }
    return Interaction.newBuilder().setInteractionId("i").setAgentId("a").setPolicyVersion("p")
        .setEventTime(Instant.EPOCH).setState(s).setAction(a).build();
  }
}
