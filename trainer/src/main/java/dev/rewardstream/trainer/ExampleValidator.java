package dev.rewardstream.trainer;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.util.List;

/**
 * What the trainer accepts from training-examples: the trainer's feature spec, a target and weight a loss can use,
 * sides of the right shape, every feature inside the feature space and finite, an attribute the model has a head for.
 * Anything else is dead-lettered.
 */
final class ExampleValidator {

  private final String fingerprint;
  private final int dimension;
  private final RewardAttributes attributes;

  ExampleValidator(FeatureSpec spec, RewardAttributes attributes) {
    this.fingerprint = spec.fingerprint();
    this.dimension = spec.dimension();
    this.attributes = attributes;
  }

  /** @throws RecordRejectedException saying what is wrong, for the dead letter */
  void check(TrainingExample example) {
    if (!example.getFeatureSpec().equals(fingerprint)) {
      throw new RecordRejectedException("feature spec " + example.getFeatureSpec() + " is not the trainer's "
          + fingerprint);
    }
    if (attributes.headOf(example.getAttribute()) < 0) {
      throw new RecordRejectedException(attributes.refusal(example.getAttribute()));
    }
    float target = example.getTarget();
    if (!Float.isFinite(target) || (example.getKind() == ExampleKind.PAIRWISE && (target < 0 || target > 1))) {
      throw new RecordRejectedException("target " + target + " is not valid for a " + example.getKind() + " example");
    }
    if (!Float.isFinite(example.getWeight()) || example.getWeight() < 0 || !Float.isFinite(example.getMargin())) {
      throw new RecordRejectedException("weight " + example.getWeight() + " / margin " + example.getMargin()
          + " must be finite, weight non-negative");
    }
    boolean pairwise = example.getKind() == ExampleKind.PAIRWISE;
    if (example.getA().isEmpty() || (pairwise && example.getB().isEmpty()) || (!pairwise && example.getA().size() != 1)) {
      throw new RecordRejectedException("a " + example.getKind() + " example with " + example.getA().size() + "/"
          + example.getB().size() + " steps");
    }
    for (List<SparseFeatures> side : List.of(example.getA(), example.getB())) {
      for (SparseFeatures step : side) {
        if (step.getIndices().size() != step.getValues().size()) {
          throw new RecordRejectedException("feature indices and values differ in length");
        }
        for (int i = 0; i < step.getIndices().size(); i++) {
          int index = step.getIndices().get(i);
          if (index < 0 || index >= dimension || !Float.isFinite(step.getValues().get(i))) {
            throw new RecordRejectedException("feature " + index + "=" + step.getValues().get(i)
                + " is outside the feature space or not finite");
          }
        }
      }
    }
  }
}
