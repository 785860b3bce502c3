package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.RecordRejectedException;
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
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two attributes that disagree: "helpful" prefers answers with more of the good words, "concise" prefers answers with
 * fewer filler words and counts the good words as filler too, so the same pair is often ordered one way by one and the
 * other way by the other.
 */
class AttributeHeadsTest {

  private static final FeatureSpec SPEC = new FeatureSpec(12, false);
  private static final RewardAttributes ATTRIBUTES = RewardAttributes.parse("helpful=0.7,concise=0.3");
  private static final LearnerOptions OPTIONS = LearnerOptions.defaults().withAttributes(ATTRIBUTES);
  private static final List<String> GOOD = List.of("helpful", "clear", "accurate", "kind", "thorough");
  private static final List<String> FILLER = List.of("basically", "actually", "really", "just", "very");
  private static final List<String> NEUTRAL = List.of("the", "answer", "is", "here", "about");

  @TempDir Path artifacts;

  private final Featurizer featurizer = new Featurizer(SPEC);

  @Test
  void shouldLearnEachAttributeInItsOwnHeadWhereOneHeadLearnsNeither() {
    Random random = new Random(1);
    List<TrainingExample> train = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      train.add(i % 2 == 0 ? pair(random, "helpful", AttributeHeadsTest::helpful, "train-" + i)
          : pair(random, "concise", AttributeHeadsTest::concise, "train-" + i));
    }
    List<TrainingExample> helpfulTest = pairs(new Random(2), "helpful", AttributeHeadsTest::helpful, 300);
    List<TrainingExample> conciseTest = pairs(new Random(3), "concise", AttributeHeadsTest::concise, 300);
    try (RewardLearner heads = RewardLearner.create(SPEC, OPTIONS);
        RewardLearner single = RewardLearner.create(SPEC, LearnerOptions.defaults())) {
      heads.trainStep(train);
      single.trainStep(train);

      assertThat(heads.evaluate(helpfulTest).pairwiseAccuracy()).isGreaterThan(0.95);
      assertThat(heads.evaluate(conciseTest).pairwiseAccuracy()).isGreaterThan(0.95);
      // The single head learns the labels' average: good words count for one attribute and against the other.
      assertThat(single.evaluate(helpfulTest).pairwiseAccuracy()).isLessThan(0.85);
      assertThat(single.evaluate(conciseTest).pairwiseAccuracy()).isLessThan(0.85);

      List<SparseFeatures> rows = helpfulTest.stream().map(e -> e.getA().get(0)).toList();
      float[] served = heads.score(rows);
      float[] helpful = heads.scoreHead(0, rows);
      float[] concise = heads.scoreHead(1, rows);
      for (int r = 0; r < rows.size(); r++) {
        assertThat(served[r]).isCloseTo((float) (0.7 * helpful[r] + 0.3 * concise[r]), within(1e-4f));
      }
    }
  }

  @Test
  void shouldServeEveryHeadAndTheWeightedSumFromThePublishedArtifact() throws Exception {
    Random random = new Random(4);
    try (RewardLearner learner = RewardLearner.create(SPEC, OPTIONS)) {
      for (int i = 0; i < 200; i++) {
        learner.trainStep(List.of(pair(random, i % 2 == 0 ? "helpful" : "concise",
            i % 2 == 0 ? AttributeHeadsTest::helpful : AttributeHeadsTest::concise, "t" + i)));
      }
      ModelUpdate update = publish(learner, 1);
      List<SparseFeatures> rows = pairs(new Random(5), "helpful", AttributeHeadsTest::helpful, 50).stream()
          .map(e -> e.getA().get(0)).toList();
      try (LoadedModel served = LoadedModel.load(update, SPEC, ArtifactStore.at(artifacts))) {
        assertThat(update.getArchitecture()).isEqualTo("mlp(in=4096,hidden=0,members=8,heads=2)");
        assertThat(served.attributes()).isEqualTo(ATTRIBUTES);
        LoadedModel.Scored scored = served.scoreWithAttributes(rows.stream().map(FeatureVector::of).toList());
        float[] learned = learner.score(rows);
        float[] helpful = learner.scoreHead(0, rows);
        float[] concise = learner.scoreHead(1, rows);
        for (int r = 0; r < rows.size(); r++) {
          assertThat(scored.rewards().mean()[r]).isCloseTo(learned[r], within(1e-4f));
          Map<String, Double> byAttribute = scored.attributeRewards(r);
          assertThat(byAttribute.keySet()).containsExactly("helpful", "concise");
          assertThat(byAttribute.get("helpful")).isCloseTo(helpful[r], within(1e-4));
          assertThat(byAttribute.get("concise")).isCloseTo(concise[r], within(1e-4));
        }
        float[] servedConcise = served.scoreHead(1, rows);
        for (int r = 0; r < rows.size(); r++) {
          assertThat(servedConcise[r]).isCloseTo(concise[r], within(1e-4f));
        }
      }

      // Restarted with other weights: every head continues from what it published.
      LearnerOptions reweighted = LearnerOptions.defaults().withAttributes(RewardAttributes.parse("helpful,concise=2"));
      try (RewardLearner resumed = RewardLearner.fromPublished(SPEC, reweighted, update, ArtifactStore.at(artifacts))) {
        float[] helpful = resumed.scoreHead(0, rows);
        float[] before = learner.scoreHead(0, rows);
        for (int r = 0; r < rows.size(); r++) {
          assertThat(helpful[r]).isCloseTo(before[r], within(1e-4f));
        }
      }
      LearnerOptions renamed = LearnerOptions.defaults().withAttributes(RewardAttributes.parse("helpful,harmless"));
      assertThatThrownBy(() -> RewardLearner.fromPublished(SPEC, renamed, update, ArtifactStore.at(artifacts)))
          .isInstanceOf(ArtifactRejectedException.class).hasMessageContaining("[helpful, concise]");
    }
  }

  @Test
  void shouldContinueFromSavedStateExactlyAsIfNeverStopped() throws Exception {
    Random random = new Random(6);
    List<TrainingExample> train = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      train.add(pair(random, i % 2 == 0 ? "helpful" : "concise",
          i % 2 == 0 ? AttributeHeadsTest::helpful : AttributeHeadsTest::concise, "t" + i));
    }
    List<SparseFeatures> probe = pairs(new Random(7), "helpful", AttributeHeadsTest::helpful, 30).stream()
        .map(e -> e.getA().get(0)).toList();
    float[] uninterrupted;
    try (RewardLearner learner = RewardLearner.create(SPEC, OPTIONS)) {
      learner.trainStep(train);
      uninterrupted = learner.score(probe);
    }
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    try (RewardLearner first = RewardLearner.create(SPEC, OPTIONS)) {
      first.trainStep(train.subList(0, 100));
      first.saveState(new DataOutputStream(saved));
    }
    try (RewardLearner resumed = RewardLearner.fromState(SPEC, OPTIONS,
        new DataInputStream(new ByteArrayInputStream(saved.toByteArray())))) {
      resumed.trainStep(train.subList(100, 200));
      assertThat(resumed.score(probe)).containsExactly(uninterrupted);
    }
  }

  @Test
  void shouldLearnRatingsOfAnAttributeAsItsScale() {
    Random random = new Random(8);
    try (RewardLearner learner = RewardLearner.create(SPEC, OPTIONS)) {
      List<TrainingExample> test = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        test.add(rating(random, "test-" + i));
      }
      double before = learner.evaluate(test).regressionMse();
      for (int i = 0; i < 1500; i++) {
        learner.trainStep(List.of(rating(random, "train-" + i)));
      }
      assertThat(learner.evaluate(test).regressionMse()).isLessThan(before / 4);
    }
  }

  @Test
  void shouldRefuseLabelsOfAttributesTheModelHasNoHeadFor() {
    ExampleValidator validator = new ExampleValidator(SPEC, ATTRIBUTES);
    Random random = new Random(9);
    validator.check(pair(random, "helpful", AttributeHeadsTest::helpful, "ok"));
    assertThatThrownBy(() -> validator.check(pair(random, "harmless", AttributeHeadsTest::helpful, "x")))
        .isInstanceOf(RecordRejectedException.class)
        .hasMessageContaining("attribute 'harmless' is not one of this model's heads [helpful, concise]");
    assertThatThrownBy(() -> validator.check(pair(random, null, AttributeHeadsTest::helpful, "x")))
        .isInstanceOf(RecordRejectedException.class).hasMessageContaining("names no attribute");
    // The single-head model learns every label, whatever it judges.
    new ExampleValidator(SPEC, RewardAttributes.SINGLE).check(pair(random, "harmless", AttributeHeadsTest::helpful,
        "y"));
    assertThatThrownBy(() -> LearnerOptions.network().withAttributes(ATTRIBUTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--attributes needs --learner online-linear");
  }

  @Test
  void shouldReadAttributesAsTheCommandLineGivesThem() {
    assertThat(RewardAttributes.parse("helpful=0.7, concise=0.3").describe()).isEqualTo("helpful=0.7,concise=0.3");
    assertThat(RewardAttributes.parse("overall").weights()).containsExactly(1.0);
    assertThat(RewardAttributes.parse("").named()).isFalse();
    assertThatThrownBy(() -> RewardAttributes.parse("a=1,a=2")).hasMessageContaining("named twice");
    assertThatThrownBy(() -> RewardAttributes.parse("a=x")).hasMessageContaining("is not a number");
    assertThatThrownBy(() -> RewardAttributes.parse("bad name=1")).hasMessageContaining("is not 1-64 letters");
    assertThatThrownBy(() -> RewardAttributes.parse("a=NaN")).hasMessageContaining("has weight NaN");
  }

  private static int helpful(String text) {
    return count(text, GOOD);
  }

  private static int concise(String text) {
    return -count(text, FILLER) - count(text, GOOD);
  }

  private static int count(String text, List<String> words) {
    int n = 0;
    for (String word : text.split(" ")) {
      n += words.contains(word) ? 1 : 0;
    }
    return n;
  }

  private List<TrainingExample> pairs(Random random, String attribute, ToIntFunction<String> value, int n) {
    List<TrainingExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pair(random, attribute, value, attribute + "-test-" + i));
    }
    return out;
  }

  private TrainingExample pair(Random random, String attribute, ToIntFunction<String> value, String id) {
    while (true) {
      String a = response(random);
      String b = response(random);
      int diff = value.applyAsInt(a) - value.applyAsInt(b);
      if (diff != 0) {
        return TrainingExample.newBuilder().setExampleId(id).setKind(ExampleKind.PAIRWISE)
            .setFeatureSpec(SPEC.fingerprint()).setA(List.of(featurizer.featurizeText("q", a)))
            .setB(List.of(featurizer.featurizeText("q", b))).setTarget(diff > 0 ? 1f : 0f).setAttribute(attribute)
            .setSource(LabelSource.HUMAN).setEventTime(Instant.now()).setProducedAt(Instant.now()).build();
      }
    }
  }

  /** A HelpSteer-style 0-4 rating of helpfulness: the good words, capped. */
  private TrainingExample rating(Random random, String id) {
    String text = response(random);
    return TrainingExample.newBuilder().setExampleId(id).setKind(ExampleKind.POINTWISE)
        .setFeatureSpec(SPEC.fingerprint()).setA(List.of(featurizer.featurizeText("q", text))).setB(List.of())
        .setTarget(Math.min(4, helpful(text))).setAttribute("helpful").setSource(LabelSource.HUMAN)
        .setEventTime(Instant.now()).setProducedAt(Instant.now()).build();
  }

  private static String response(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      double u = random.nextDouble();
      List<String> from = u < 0.3 ? GOOD : u < 0.6 ? FILLER : NEUTRAL;
      text.append(from.get(random.nextInt(from.size()))).append(' ');
    }
    return text.toString();
  }

  private ModelUpdate publish(RewardLearner learner, long version) throws Exception {
    ModelArtifacts.Written written = learner.write(artifacts, "reward", version);
    return ModelUpdate.newBuilder().setModelName("reward").setVersion(version).setCreatedAt(Instant.now())
        .setArtifactUri(written.uri().toString()).setSha256(written.sha256()).setFeatureSpec(SPEC.fingerprint())
        .setArchitecture(learner.architecture().describe()).setRewardMean(0).setRewardStd(1).setExamplesTrained(0)
        .setMetrics(Map.of()).setAttributes(learner.attributes().toAvro()).build();
  }
}
