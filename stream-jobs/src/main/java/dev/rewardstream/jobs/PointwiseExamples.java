package dev.rewardstream.jobs;

import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.time.Instant;
import java.util.List;

/** Pointwise regression examples: one step's features → its (normalized, possibly attributed) reward. */
final class PointwiseExamples {

  private PointwiseExamples() {}

  static TrainingExample of(String fingerprint, String interactionId, SparseFeatures features, double target,
      Instant eventTime) {
    return TrainingExample.newBuilder()
        .setExampleId("pointwise/" + interactionId)
        .setKind(ExampleKind.POINTWISE)
        .setFeatureSpec(fingerprint)
        .setA(List.of(features))
        .setB(List.of())
        .setTarget((float) target)
        .setSource(LabelSource.SYNTHETIC)
        .setEventTime(eventTime)
        .setProducedAt(Instant.now())
        .build();
  }
}
