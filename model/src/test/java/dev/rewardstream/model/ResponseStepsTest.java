package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.schema.Interaction;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseStepsTest {

  private static final ResponseSteps PARAGRAPHS = ResponseSteps.separatedBy("\\n\\n");

  @Test
  void shouldCutAtTheSeparatorAndDropBlankSteps() {
    assertThat(PARAGRAPHS.separator()).isEqualTo("\n\n");
    assertThat(PARAGRAPHS.split("first step\n\nsecond step\n\n\n\nthird")).containsExactly("first step",
        "second step", "third");
    assertThat(PARAGRAPHS.split("one line\nonly")).containsExactly("one line\nonly");
    assertThat(ResponseSteps.NONE.split("a\n\nb")).containsExactly("a\n\nb");
    assertThat(ResponseSteps.separatedBy("").enabled()).isFalse();
  }

  @Test
  void shouldJoinStepsSoThatTheyCutBackIntoTheSameSteps() {
    List<String> steps = List.of("x = 2", "so 2x = 4\n\n# Answer\n\n4");
    String joined = PARAGRAPHS.join(steps);

    assertThat(PARAGRAPHS.split(joined)).containsExactly("x = 2", "so 2x = 4 # Answer 4");
    assertThat(ResponseSteps.separatedBy(PARAGRAPHS.describe())).isEqualTo(PARAGRAPHS);
    assertThatThrownBy(() -> ResponseSteps.separatedBy("\\q")).hasMessageContaining("unknown escape \\q");
  }

  @Test
  void shouldMakeTheSeparatorPartOfTheFeatureSpecsFingerprint() {
    FeatureSpec stepped = FeatureSpec.of("unit", "none", "\\n\\n");

    assertThat(stepped.steps()).isEqualTo(PARAGRAPHS);
    assertThat(stepped.fingerprint()).isNotEqualTo(FeatureSpec.DEFAULT.fingerprint());
    assertThat(FeatureSpec.of("unit", "none", "").fingerprint()).isEqualTo(FeatureSpec.DEFAULT.fingerprint());
  }

  @Test
  void shouldFeaturizeEachStepAsTheResponseToTheSamePrompt() {
    Featurizer featurizer = new Featurizer(FeatureSpec.DEFAULT.withSteps(PARAGRAPHS));
    Interaction interaction = Interaction.newBuilder().setInteractionId("i").setAgentId("a").setPolicyVersion("p")
        .setEventTime(Instant.EPOCH).setPrompt("solve it").setResponse("step one\n\nstep two").build();

    List<FeatureVector> steps = featurizer.featurizeSteps(interaction, PARAGRAPHS);

    assertThat(steps).hasSize(2);
    assertThat(steps.get(1).toAvro()).isEqualTo(featurizer.featurizeText("solve it", "step two"));
    Interaction single = Interaction.newBuilder(interaction).setResponse("one step").build();
    assertThat(featurizer.featurizeSteps(single, PARAGRAPHS)).singleElement()
        .satisfies(v -> assertThat(v.toAvro()).isEqualTo(featurizer.featurize(single)));
  }
}
