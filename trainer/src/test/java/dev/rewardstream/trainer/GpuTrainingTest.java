package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.schema.TrainingExample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs where the PyTorch engine sees a GPU (build with -Pgpu on a CUDA host); skipped, not failed, elsewhere. */
class GpuTrainingTest {

  @Test
  void shouldTrainOnTheGpuWhenOneIsVisible() {
    assumeTrue(Engine.getInstance().getGpuCount() > 0, "no GPU visible to the PyTorch engine");
    FeatureSpec spec = new FeatureSpec(12, true);
    SyntheticPreferences data = new SyntheticPreferences(spec, 7);
    List<TrainingExample> train = data.pairs("train-", 2000);
    try (OnlineRewardLearner learner = new OnlineRewardLearner(spec, LearnerOptions.network())) {
      assertThat(OnlineRewardLearner.device()).isEqualTo(Device.gpu());
      for (int i = 0; i < train.size(); i += 64) {
        learner.trainStep(train.subList(i, Math.min(train.size(), i + 64)));
      }
      assertThat(learner.evaluate(data.pairs("test-", 500)).pairwiseAccuracy()).isGreaterThan(0.85);
    }
  }
}
