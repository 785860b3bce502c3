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
    return of(fingerprint, "pointwise/" + interactionId, null, features, target, eventTime);
  }

  /** A rating of one attribute of an output: a label of that attribute's head, on the scale the rater used. */
  static TrainingExample rating(String fingerprint, String interactionId, String attribute, SparseFeatures features,
      double rating, Instant eventTime) {
    return of(fingerprint, "rating/" + attribute + "/" + interactionId, attribute, features, rating, eventTime);
  }

  /** A process label: the rating of step {@code step} of a response, a label of that step's own reward. */
  static TrainingExample step(String fingerprint, String interactionId, int step, SparseFeatures features,
      double rating, Instant eventTime) {
    return of(fingerprint, "step/" + step + "/" + interactionId, null, features, rating, eventTime);
  }

  private static TrainingExample of(String fingerprint, String exampleId, String attribute, SparseFeatures features,
      double target, Instant eventTime) {
    return TrainingExample.newBuilder()
        .setExampleId(exampleId)
        .setAttribute(attribute)
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
