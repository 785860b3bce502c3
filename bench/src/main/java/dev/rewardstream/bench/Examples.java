package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.RewardLearner;
import java.time.Instant;
import java.util.List;

/** Pairwise examples built in process, as the feature job would build them, for benchmarks that skip Kafka. */
final class Examples {

  private Examples() {}

  static TrainingExample pairwise(FeatureSpec spec, String id, SparseFeatures a, SparseFeatures b, float target) {
    Instant now = Instant.now();
    return TrainingExample.newBuilder().setExampleId(id).setKind(ExampleKind.PAIRWISE)
        .setFeatureSpec(spec.fingerprint()).setA(List.of(a)).setB(List.of(b)).setTarget(target)
        .setSource(LabelSource.SYNTHETIC).setEventTime(now).setProducedAt(now).build();
  }

  /** A simulated pair as the feature job would turn it into an example (A wins: target 1, B: 0, TIE: 0.5). */
  static TrainingExample of(Featurizer featurizer, PairCollector.LabelledPair pair) {
    float target = switch (pair.preference().getOutcome()) {
      case A -> 1f;
      case B -> 0f;
      case TIE -> 0.5f;
    };
    return pairwise(featurizer.spec(), pair.preference().getPreferenceId(), featurizer.featurize(pair.a()),
        featurizer.featurize(pair.b()), target);
  }

  /** rA − rB of each single-step pair under the learner's current parameters. */
  static double[] margins(RewardLearner learner, List<TrainingExample> pairs) {
    List<SparseFeatures> steps = new java.util.ArrayList<>(pairs.size() * 2);
    for (TrainingExample pair : pairs) {
      steps.add(pair.getA().get(0));
      steps.add(pair.getB().get(0));
    }
    float[] rewards = learner.score(steps);
    double[] margins = new double[pairs.size()];
    for (int i = 0; i < margins.length; i++) {
      margins[i] = rewards[2 * i] - rewards[2 * i + 1];
    }
    return margins;
  }
}
