package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnlineLinearMixtureTest {

  private static final FeatureSpec SPEC = new FeatureSpec(12, false);
  private static final LearnerOptions OPTIONS = LearnerOptions.defaults();

  @TempDir Path artifacts;

  @Test
  void shouldLearnAPreferenceRuleFromFewLabelsInOnePass() {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 7);
    List<TrainingExample> test = data.pairs("test-", 500);
    try (RewardLearner learner = RewardLearner.create(SPEC, OPTIONS)) {
      double before = learner.evaluate(test).pairwiseAccuracy();
      // One example at a time, as the trainer's schedule hands them over at a low label rate.
      for (TrainingExample example : data.pairs("train-", 200)) {
        learner.trainStep(List.of(example));
      }
      Evaluation after = learner.evaluate(test);

      assertThat(after.pairwiseAccuracy()).isGreaterThan(0.95).isGreaterThan(before);
      assertThat(after.logLoss()).isLessThan(Math.log(2));
    }
  }

  @Test
  void shouldServeExactlyWhatItLearnedWithThePosteriorSpreadOnSeenFeatures() throws Exception {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 3);
    List<TrainingExample> probe = data.pairs("probe-", 100);
    try (OnlineLinearMixture learner = new OnlineLinearMixture(SPEC, OPTIONS)) {
      learner.trainStep(data.pairs("train-", 500));
      ModelUpdate update = publish(learner, 1);
      List<SparseFeatures> rows = probe.stream().map(e -> e.getA().get(0)).toList();

      try (LoadedModel served = LoadedModel.load(update, SPEC, ArtifactStore.at(artifacts))) {
        Ensemble fromArtifact = served.scoreWithUncertainty(rows);
        float[] learned = learner.score(rows);
        Ensemble withSpread = learner.scoreWithUncertainty(rows);
        assertThat(served.update().getArchitecture()).isEqualTo("mlp(in=4096,hidden=0,members=8)");
        for (int i = 0; i < rows.size(); i++) {
          assertThat(fromArtifact.mean()[i]).as("served mean is the mixture").isCloseTo(learned[i], within(1e-4f));
          assertThat(fromArtifact.std()[i]).isCloseTo(withSpread.std()[i], within(1e-4f)).isPositive();
        }
      }
    }
  }

  @Test
  void shouldBeMoreCertainAboutPairsOfWordsItHasSeen() {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 5);
    Featurizer featurizer = new Featurizer(SPEC);
    try (RewardLearner learner = RewardLearner.create(SPEC, OPTIONS)) {
      learner.trainStep(data.pairs("train-", 300));
      Ensemble seen = learner.margins(List.of(featurizer.featurizeText("q", "helpful clear answer")),
          List.of(featurizer.featurizeText("q", "rude vague answer")));
      Ensemble unseen = learner.margins(List.of(featurizer.featurizeText("q", "zorblax quimby answer")),
          List.of(featurizer.featurizeText("q", "flerp snood answer")));

      assertThat(seen.mean()[0]).as("prefers the good words").isPositive();
      assertThat(seen.std()[0]).isLessThan(unseen.std()[0] / 2);
    }
  }

  @Test
  void shouldContinueFromSavedStateExactlyAsIfNeverStopped() throws Exception {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 21);
    List<TrainingExample> train = data.pairs("train-", 300);
    List<SparseFeatures> probe = data.pairs("probe-", 50).stream().map(e -> e.getA().get(0)).toList();
    float[] uninterrupted;
    try (RewardLearner learner = RewardLearner.create(SPEC, OPTIONS)) {
      learner.trainStep(train);
      uninterrupted = learner.score(probe);
    }
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    try (RewardLearner first = RewardLearner.create(SPEC, OPTIONS)) {
      first.trainStep(train.subList(0, 150));
      first.saveState(new DataOutputStream(saved));
    }
    try (RewardLearner resumed = RewardLearner.fromState(SPEC, OPTIONS,
        new DataInputStream(new ByteArrayInputStream(saved.toByteArray())))) {
      resumed.trainStep(train.subList(150, 300));

      assertThat(resumed.score(probe)).containsExactly(uninterrupted);
    }
  }

  @Test
  void aCopyLearnsAsTheOriginalWouldAndLeavesItAsItWas() {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 23);
    List<TrainingExample> train = data.pairs("train-", 300);
    List<SparseFeatures> probe = data.pairs("probe-", 50).stream().map(e -> e.getA().get(0)).toList();
    try (OnlineLinearMixture original = new OnlineLinearMixture(SPEC, OPTIONS)) {
      original.trainStep(train.subList(0, 150));
      float[] atCopy = original.score(probe);
      try (OnlineLinearMixture copy = original.copy()) {
        copy.trainStep(train.subList(150, 300));

        assertThat(original.score(probe)).containsExactly(atCopy);
        original.trainStep(train.subList(150, 300));
        assertThat(copy.score(probe)).containsExactly(original.score(probe));
        assertThat(copy.mixtureWeights()).containsExactly(original.mixtureWeights());
      }
    }
  }

  @Test
  void shouldResumeFromAPublishedVersionWithTheSameOrdering() throws Exception {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 11);
    List<TrainingExample> test = data.pairs("test-", 300);
    ModelUpdate update;
    double accuracyAtPublish;
    try (OnlineLinearMixture learner = new OnlineLinearMixture(SPEC, OPTIONS)) {
      learner.trainStep(data.pairs("train-", 100));
      accuracyAtPublish = learner.evaluate(test).pairwiseAccuracy();
      update = publish(learner, 1);
    }
    try (RewardLearner resumed = RewardLearner.fromPublished(SPEC, OPTIONS, update, ArtifactStore.at(artifacts))) {
      assertThat(resumed.evaluate(test).pairwiseAccuracy()).isCloseTo(accuracyAtPublish, within(0.01));
      resumed.trainStep(data.pairs("more-", 200));
      assertThat(resumed.evaluate(test).pairwiseAccuracy()).isGreaterThanOrEqualTo(accuracyAtPublish);
    }
  }

  /**
   * The posterior comes back from the published members: exactly with the trainer's seed, as an estimate with another;
   * words no label touched keep the prior. Without it a restarted trainer served every pair as uncertain as unseen.
   */
  @Test
  void shouldRecoverThePosteriorSpreadFromPublishedMembers() {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 17);
    List<TrainingExample> test = data.pairs("test-", 200);
    List<SparseFeatures> a = test.stream().map(e -> e.getA().get(0)).toList();
    List<SparseFeatures> b = test.stream().map(e -> e.getB().get(0)).toList();
    try (OnlineLinearMixture learner = new OnlineLinearMixture(SPEC, OPTIONS)) {
      learner.trainStep(data.pairs("train-", 400));
      float[] spread = learner.margins(a, b).std();
      List<float[]> members = List.of(learner.memberWeights());
      try (OnlineLinearMixture sameSeed = OnlineLinearMixture.fromMembers(SPEC, OPTIONS, members);
          OnlineLinearMixture otherSeed = OnlineLinearMixture.fromMembers(SPEC, new LearnerOptions(OPTIONS.algorithm(),
              OPTIONS.hidden(), OPTIONS.members(), OPTIONS.learningRate(), OPTIONS.centerRewardsCoefficient(),
              OPTIONS.sourceWeights(), OPTIONS.seed() + 1, OPTIONS.attributes()), members);
          OnlineLinearMixture untrained = new OnlineLinearMixture(SPEC, OPTIONS)) {
        float[] exact = sameSeed.margins(a, b).std();
        float[] estimated = otherSeed.margins(a, b).std();
        float[] prior = untrained.margins(a, b).std();
        double ratios = 0;
        double learned = 0;
        for (int p = 0; p < spread.length; p++) {
          assertThat(exact[p]).isCloseTo(spread[p], within(1e-3f * spread[p]));
          ratios += estimated[p] / spread[p] / spread.length;
          learned += spread[p] / prior[p] / spread.length;
        }
        assertThat(ratios).isCloseTo(1, within(0.25));
        assertThat(learned).as("400 labels leave the posterior narrower than the prior").isLessThan(0.8);
      }
    }
  }

  /** Humans label by the rule, an AI judge the other way round; with the AI weighted 0 only the humans are learned. */
  @Test
  void shouldWeighEachLabelSourceAsConfigured() {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 13);
    List<TrainingExample> test = data.pairs("test-", 300);
    List<TrainingExample> mixed = new ArrayList<>();
    for (TrainingExample human : data.pairs("train-", 300)) {
      human.setSource(LabelSource.HUMAN);
      mixed.add(human);
      mixed.add(TrainingExample.newBuilder(human).setExampleId(human.getExampleId() + "-ai")
          .setTarget(1 - human.getTarget()).setSource(LabelSource.AI).build());
    }
    try (RewardLearner aiIgnored = RewardLearner.create(SPEC,
        OPTIONS.withSourceWeights(Map.of(LabelSource.AI, 0.0)))) {
      aiIgnored.trainStep(mixed);
      assertThat(aiIgnored.evaluate(test).pairwiseAccuracy()).isGreaterThan(0.95);
    }
  }

  /** Environment rewards (pointwise examples) of a hidden linear function of the state are learned too. */
  @Test
  void shouldLearnPointwiseRewards() {
    Featurizer featurizer = new Featurizer(SPEC);
    Random random = new Random(2);
    List<TrainingExample> train = new ArrayList<>();
    List<TrainingExample> test = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) {
      float s0 = (float) random.nextGaussian();
      float s1 = (float) random.nextGaussian();
      SparseFeatures x = featurizer.featurize(Interaction.newBuilder().setInteractionId("i" + i).setAgentId("a")
          .setPolicyVersion("p").setEventTime(Instant.EPOCH).setState(List.of(s0, s1)).setAction(List.of(0.5f))
          .build());
      TrainingExample example = TrainingExample.newBuilder().setExampleId("p" + i).setKind(ExampleKind.POINTWISE)
          .setFeatureSpec(SPEC.fingerprint()).setA(List.of(x)).setB(List.of()).setTarget(2 * s0 - s1)
          .setSource(LabelSource.SYNTHETIC).setEventTime(Instant.EPOCH).setProducedAt(Instant.EPOCH).build();
      (i < 1_200 ? train : test).add(example);
    }
    try (RewardLearner learner = RewardLearner.create(SPEC, OPTIONS)) {
      double before = learner.evaluate(test).regressionMse();
      learner.trainStep(train);
      double after = learner.evaluate(test).regressionMse();

      assertThat(after).isLessThan(before / 4);
    }
  }

  @Test
  void shouldCountWordsNoLabelTouchedAsUncertainWhenTheScorerChoosesPairs() throws Exception {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 3);
    Featurizer featurizer = new Featurizer(SPEC);
    // Words the labels never used, as many on each side, so only they differ between the two answers.
    SparseFeatures a = featurizer.featurizeText("how do i reset it", "zqxvbn wplkjh");
    SparseFeatures b = featurizer.featurizeText("how do i reset it", "mnbvqz yxwvut");
    try (OnlineLinearMixture learner = new OnlineLinearMixture(SPEC, OPTIONS)) {
      learner.trainStep(data.pairs("train-", 300));
      ModelUpdate announced = publish(learner, 1, learner.versionMetrics());
      ModelUpdate silent = publish(learner, 2, Map.of());

      try (LoadedModel served = LoadedModel.load(announced, SPEC, ArtifactStore.at(artifacts));
          LoadedModel old = LoadedModel.load(silent, SPEC, ArtifactStore.at(artifacts))) {
        var pair = served.pairInformation(FeatureVector.of(a), FeatureVector.of(b));
        Ensemble trainerView = learner.margins(List.of(a), List.of(b));

        // The members agree on the unseen words, so they alone see nothing to learn there.
        assertThat(old.pairInformation(FeatureVector.of(a), FeatureVector.of(b)).information()).isZero();
        assertThat(pair.information()).isGreaterThan(0.1);
        assertThat(pair.marginStd()).isCloseTo(trainerView.std()[0], within(1e-4));
      }
    }
  }

  @Test
  void shouldJudgeEveryPairOfPreparedOutputsAsTheTrainerWouldWithSharedUnseenWordsCancelling() throws Exception {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 3);
    Featurizer featurizer = new Featurizer(SPEC);
    // Unseen words, some shared between answers: a shared word's difference cancels, in the trainer and the scorer.
    List<SparseFeatures> answers = List.of(featurizer.featurizeText("q", "zqxvbn wplkjh qqzzxx"),
        featurizer.featurizeText("q", "zqxvbn mnbvqz"), featurizer.featurizeText("q", "wplkjh qqzzxx yxwvut"),
        featurizer.featurizeText("q", "zqxvbn wplkjh qqzzxx yxwvut"));
    try (OnlineLinearMixture learner = new OnlineLinearMixture(SPEC, OPTIONS)) {
      learner.trainStep(data.pairs("train-", 300));
      try (LoadedModel served = LoadedModel.load(publish(learner, 1, learner.versionMetrics()), SPEC,
          ArtifactStore.at(artifacts))) {
        LoadedModel.Outputs prepared = served.prepare(answers.stream().map(a -> List.of(FeatureVector.of(a)))
            .toList());
        for (int i = 0; i < answers.size(); i++) {
          for (int j = i + 1; j < answers.size(); j++) {
            var together = prepared.mostInformative(i, j).information();
            var alone = served.pairInformation(FeatureVector.of(answers.get(i)), FeatureVector.of(answers.get(j)));
            Ensemble trainerView = learner.margins(List.of(answers.get(i)), List.of(answers.get(j)));

            assertThat(together.marginStd()).as("%d-%d", i, j).isCloseTo(trainerView.std()[0], within(1e-4));
            assertThat(together.information()).isCloseTo(alone.information(), within(1e-12));
          }
        }
      }
    }
  }

  @Test
  void shouldSuggestAHeadNoLabelHasTrainedOverOneThatLearnedTheWords() throws Exception {
    SyntheticPreferences data = new SyntheticPreferences(SPEC, 5);
    List<TrainingExample> helpfulOnly = data.pairs("train-", 300).stream()
        .map(e -> TrainingExample.newBuilder(e).setAttribute("helpful").build()).toList();
    LearnerOptions options = OPTIONS.withAttributes(RewardAttributes.parse("helpful=0.5,concise=0.5"));
    try (RewardLearner learner = RewardLearner.create(SPEC, options)) {
      learner.trainStep(helpfulOnly);
      ModelUpdate update = publish(learner, 1, learner.versionMetrics());

      try (LoadedModel served = LoadedModel.load(update, SPEC, ArtifactStore.at(artifacts))) {
        TrainingExample probe = data.pairs("probe-", 1).get(0);
        List<FeatureVector> a = List.of(FeatureVector.of(probe.getA().get(0)));
        List<FeatureVector> b = List.of(FeatureVector.of(probe.getB().get(0)));

        assertThat(served.mostInformative(a, b).attribute()).isEqualTo("concise");
        assertThat(served.informationFor(a, b, "concise").information().information())
            .isGreaterThan(served.informationFor(a, b, "helpful").information().information());
      }
    }
  }

  private ModelUpdate publish(RewardLearner learner, long version) throws Exception {
    return publish(learner, version, Map.of());
  }

  private ModelUpdate publish(RewardLearner learner, long version, Map<String, Double> metrics) throws Exception {
    ModelArtifacts.Written written = learner.write(artifacts, "reward", version);
    return ModelUpdate.newBuilder().setModelName("reward").setVersion(version).setCreatedAt(Instant.now())
        .setArtifactUri(written.uri().toString()).setSha256(written.sha256()).setFeatureSpec(SPEC.fingerprint())
        .setArchitecture(learner.architecture().describe()).setRewardMean(0).setRewardStd(1).setExamplesTrained(0)
        .setMetrics(metrics).setAttributes(learner.attributes().toAvro()).build();
  }
}
