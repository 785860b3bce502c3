package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineRewardLearnerTest {

  private static final FeatureSpec SPEC = new FeatureSpec(12, true);

  @TempDir Path artifacts;

  @Test
  void shouldLearnAKnownPreferenceRuleInOnePass() {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 7);
    List<TrainingExample> train = data.pairs("train-", 2000);
    List<TrainingExample> test = data.pairs("test-", 500);
    try (OnlineRewardLearner learner = new OnlineRewardLearner(SPEC, 16, 0.01f)) {
      double before = learner.evaluate(test).pairwiseAccuracy();
      for (int i = 0; i < train.size(); i += 32) {
        learner.trainStep(train.subList(i, Math.min(train.size(), i + 32)));
      }
      Evaluation after = learner.evaluate(test);

      assertThat(after.pairwiseAccuracy()).isGreaterThan(0.9).isGreaterThan(before);
      assertThat(after.logLoss()).isLessThan(Math.log(2));
    }
  }

  /**
   * Per-source weights scale each example's loss. Humans label by the rule; an AI judge labels every pair the other
   * way. Weighted equally they cancel out; with the AI weighted 0 the model learns the human rule from the same mixed
   * batches. A batch of nothing but zero-weight examples is skipped (DJL refuses a step on all-zero gradients).
   */
  @Test
  void shouldWeighEachLabelSourceAsConfigured() {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 11);
    List<TrainingExample> test = data.pairs("test-", 300);
    List<TrainingExample> mixed = new java.util.ArrayList<>();
    for (TrainingExample human : data.pairs("train-", 1000)) {
      human.setSource(dev.rewardstream.schema.LabelSource.HUMAN);
      mixed.add(human);
      TrainingExample contrarian = TrainingExample.newBuilder(human)
          .setExampleId(human.getExampleId() + "-ai").setTarget(1 - human.getTarget())
          .setSource(dev.rewardstream.schema.LabelSource.AI).build();
      mixed.add(contrarian);
    }
    LearnerOptions base = LearnerOptions.network().withLearningRate(0.01f);
    double equal = accuracyAfter(base, mixed, test);
    double aiIgnored = accuracyAfter(
        base.withSourceWeights(Map.of(dev.rewardstream.schema.LabelSource.AI, 0.0)), mixed, test);

    assertThat(aiIgnored).as("AI weighted 0: the human rule").isGreaterThan(0.85);
    assertThat(equal).as("equal weights: contradicting labels cancel").isLessThan(0.7);
    try (OnlineRewardLearner learner = new OnlineRewardLearner(SPEC, base.withCenterRewardsCoefficient(0)
        .withSourceWeights(Map.of(dev.rewardstream.schema.LabelSource.AI, 0.0)))) {
      float[] before = learner.score(test.stream().map(e -> e.getA().get(0)).toList());
      learner.trainStep(mixed.stream().filter(e -> e.getSource() == dev.rewardstream.schema.LabelSource.AI)
          .limit(32).toList());
      assertThat(learner.score(test.stream().map(e -> e.getA().get(0)).toList())).containsExactly(before);
    }
  }

  private static double accuracyAfter(LearnerOptions options, List<TrainingExample> train,
      List<TrainingExample> test) {
    try (OnlineRewardLearner learner = new OnlineRewardLearner(SPEC, options)) {
      for (int i = 0; i < train.size(); i += 32) {
        learner.trainStep(train.subList(i, Math.min(train.size(), i + 32)));
      }
      return learner.evaluate(test).pairwiseAccuracy();
    }
  }

  @Test
  void shouldTrainAnEnsembleWhoseMembersDisagree() {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 5);
    List<TrainingExample> train = data.pairs("train-", 1500);
    LearnerOptions ensemble = LearnerOptions.network().withMembers(5).withHidden(16).withLearningRate(0.01f);
    try (OnlineRewardLearner learner = new OnlineRewardLearner(SPEC, ensemble)) {
      for (int i = 0; i < train.size(); i += 32) {
        learner.trainStep(train.subList(i, Math.min(train.size(), i + 32)));
      }
      List<TrainingExample> test = data.pairs("test-", 300);
      var scored = learner.scoreWithUncertainty(test.stream().map(e -> e.getA().get(0)).toList());

      assertThat(learner.architecture().members()).isEqualTo(5);
      for (float std : scored.std()) {
        assertThat(std).as("bootstrap resamples and separate initializations").isGreaterThan(0f);
      }
      assertThat(learner.evaluate(test).pairwiseAccuracy()).isGreaterThan(0.85);
    }
  }

  @Test
  void shouldContinueFromSavedStateExactlyAsIfNeverStopped() throws Exception {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 21);
    List<TrainingExample> train = data.pairs("train-", 320);
    List<TrainingExample> probe = data.pairs("probe-", 50);
    LearnerOptions options = LearnerOptions.network().withMembers(1).withHidden(8).withLearningRate(0.01f);
    float[] uninterrupted;
    try (OnlineRewardLearner learner = new OnlineRewardLearner(SPEC, options)) {
      for (int i = 0; i < 320; i += 32) {
        learner.trainStep(train.subList(i, i + 32));
      }
      uninterrupted = learner.score(probe.stream().map(e -> e.getA().get(0)).toList());
    }
    java.io.ByteArrayOutputStream saved = new java.io.ByteArrayOutputStream();
    try (OnlineRewardLearner first = new OnlineRewardLearner(SPEC, options)) {
      for (int i = 0; i < 160; i += 32) {
        first.trainStep(train.subList(i, i + 32));
      }
      first.saveState(new java.io.DataOutputStream(saved));
    }
    try (OnlineRewardLearner resumed = OnlineRewardLearner.fromState(SPEC, options,
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(saved.toByteArray())))) {
      for (int i = 160; i < 320; i += 32) {
        resumed.trainStep(train.subList(i, i + 32));
      }
      float[] continued = resumed.score(probe.stream().map(e -> e.getA().get(0)).toList());

      assertThat(continued).as("parameters and Adam moments restored")
          .containsExactly(uninterrupted, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void shouldResumeFromAPublishedVersionAndKeepLearning() throws Exception {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 11);
    List<TrainingExample> train = data.pairs("train-", 600);
    List<TrainingExample> test = data.pairs("test-", 300);
    ModelUpdate update;
    double accuracyAtPublish;
    try (OnlineRewardLearner learner = new OnlineRewardLearner(SPEC, 16, 0.01f)) {
      for (int i = 0; i < 300; i += 30) {
        learner.trainStep(train.subList(i, i + 30));
      }
      accuracyAtPublish = learner.evaluate(test).pairwiseAccuracy();
      ModelArtifacts.Written written = learner.write(artifacts, "reward", 1);
      update = ModelUpdate.newBuilder().setModelName("reward").setVersion(1).setCreatedAt(Instant.now())
          .setArtifactUri(written.uri().toString()).setSha256(written.sha256()).setFeatureSpec(SPEC.fingerprint())
          .setArchitecture(learner.architecture().describe()).setRewardMean(0).setRewardStd(1).setExamplesTrained(300)
          .setMetrics(Map.of()).build();
    }
    try (OnlineRewardLearner resumed = OnlineRewardLearner.fromPublished(SPEC,
        LearnerOptions.network().withHidden(16).withLearningRate(0.01f).withMembers(1), update,
        ArtifactStore.at(artifacts))) {
      assertThat(resumed.evaluate(test).pairwiseAccuracy()).isEqualTo(accuracyAtPublish);

      double firstLoss = resumed.trainStep(train.subList(300, 330));
      double lastLoss = firstLoss;
      for (int round = 0; round < 5; round++) {
        for (int i = 300; i < 600; i += 30) {
          lastLoss = resumed.trainStep(train.subList(i, i + 30));
        }
      }
      assertThat(lastLoss).as("the restored parameters still receive gradients").isLessThan(firstLoss);
    }
  }
}
