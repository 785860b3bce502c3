package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleValidatorTest {

  private static final FeatureSpec SPEC = new FeatureSpec(8, false);
  private final ExampleValidator validator = new ExampleValidator(SPEC, dev.rewardstream.model.RewardAttributes.SINGLE);
  private final TrainingExample good = new SyntheticPreferences(SPEC, 3).pairs("v-", 1).get(0);

  @Test
  void shouldAcceptAnExampleOfItsOwnSpec() {
    assertThatCode(() -> validator.check(good)).doesNotThrowAnyException();
  }

  @Test
  void shouldSayWhatIsWrongWithEachKindOfBadExample() {
    assertRejected(TrainingExample.newBuilder(good).setFeatureSpec("other").build(), "feature spec other");
    assertRejected(TrainingExample.newBuilder(good).setTarget(1.5f).build(), "target 1.5");
    assertRejected(TrainingExample.newBuilder(good).setWeight(-1f).build(), "weight -1.0");
    assertRejected(TrainingExample.newBuilder(good).setB(List.of()).build(), "a PAIRWISE example with 1/0 steps");
    assertRejected(TrainingExample.newBuilder(good).setA(List.of(SparseFeatures.newBuilder()
        .setIndices(List.of(1 << 8)).setValues(List.of(1f)).build())).build(), "feature 256=1.0");
    assertRejected(TrainingExample.newBuilder(good).setA(List.of(SparseFeatures.newBuilder()
        .setIndices(List.of(1)).setValues(List.of(Float.NaN)).build())).build(), "feature 1=NaN");
  }

  private void assertRejected(TrainingExample example, String reason) {
    assertThatThrownBy(() -> validator.check(example)).isInstanceOf(RecordRejectedException.class)
        .hasMessageStartingWith(reason);
  }
}
