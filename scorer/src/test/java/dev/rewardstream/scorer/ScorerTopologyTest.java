package dev.rewardstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.ArtifactStore;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.Severity;
import dev.rewardstream.serde.InMemorySchemaRegistry;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.TopologyDrivers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.rewardstream.schema.AttributeWeight;
import static org.assertj.core.api.Assertions.within;
import org.junit.jupiter.api.io.TempDir;

class ScorerTopologyTest {

  private static final FeatureSpec SPEC = new FeatureSpec(10, true);
  private static final RewardNetwork.Architecture ARCH = new RewardNetwork.Architecture(SPEC.dimension(), 8);
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private final Topics topics = Topics.using(SerdeConfig.of("in-memory"), new InMemorySchemaRegistry());
  private final ScorerConfig config = new ScorerConfig("reward", SPEC, 10_000, 5, Duration.ofMillis(100));
  private final Featurizer featurizer = new Featurizer(SPEC);
  private NDManager manager;
  private ModelHolder models;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Interaction> interactions;
  private TestInputTopic<byte[], byte[]> rawInteractions;
  private TestInputTopic<String, ModelUpdate> updates;
  private TestOutputTopic<String, Score> scores;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private TestOutputTopic<String, DriftAlert> alerts;

  @BeforeEach
  void startDriver() {
    manager = NDManager.newBaseManager();
    models = new ModelHolder("reward", SPEC, ArtifactStore.at(dir.resolve("artifacts")));
    driver = TopologyDrivers.of(ScorerTopology.build(config, topics, models), "scorer-test", dir.resolve("state"), T0);
    interactions = TopologyDrivers.input(driver, topics.interactions);
    rawInteractions = driver.createInputTopic(topics.interactions.name(), Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer());
    updates = TopologyDrivers.input(driver, topics.modelUpdates);
    scores = TopologyDrivers.output(driver, topics.scores);
    deadLetters = TopologyDrivers.output(driver, topics.deadLetters);
    alerts = TopologyDrivers.output(driver, topics.driftAlerts);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
    models.close();
    manager.close();
  }

  @Test
  void shouldScoreEveryInteractionWithTheLiveVersion() throws Exception {
    Block network = RewardNetwork.build(ARCH, manager);
    updates.pipeInput("reward", publish(network, 1));
    Interaction interaction = interaction("i-1", "a clear and helpful answer");

    interactions.pipeInput("i-1", interaction);

    Score score = scores.readValue();
    assertThat(score.getInteractionId()).isEqualTo("i-1");
    assertThat(score.getModelVersion()).isEqualTo(1);
    assertThat(score.getRescore()).isFalse();
    float expected = models.live().orElseThrow().score(List.of(featurizer.featurize(interaction)))[0];
    assertThat(score.getRawReward()).isEqualTo(expected);
    assertThat(score.getNormalizedReward()).isEqualTo((expected - 0.5) / 2.0);
  }

  @Test
  void shouldSwapVersionsAndRescoreTheRetainedWindow() throws Exception {
    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 1));
    for (int i = 0; i < 7; i++) {
      interactions.pipeInput("i-" + i, interaction("i-" + i, "answer number " + i));
    }
    assertThat(scores.readValuesToList()).hasSize(7).allMatch(s -> s.getModelVersion() == 1);

    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 2));
    driver.advanceWallClockTime(Duration.ofMillis(150));

    List<Score> rescored = scores.readValuesToList();
    assertThat(rescored).as("the ring keeps the last 5").hasSize(5)
        .allMatch(s -> s.getModelVersion() == 2 && s.getRescore());
    assertThat(rescored).extracting(Score::getInteractionId)
        .containsExactlyInAnyOrder("i-2", "i-3", "i-4", "i-5", "i-6");
    interactions.pipeInput("i-new", interaction("i-new", "fresh"));
    assertThat(scores.readValue().getModelVersion()).isEqualTo(2);
  }

  @Test
  void shouldServeEnsembleUncertaintyAsPessimisticAndOptimisticRewards() throws Exception {
    RewardNetwork.Architecture ensemble = new RewardNetwork.Architecture(SPEC.dimension(), 8, 3);
    ModelUpdate update = publish(RewardNetwork.build(ensemble, manager), 1);
    update.setArchitecture(ensemble.describe());
    updates.pipeInput("reward", update);
    Interaction interaction = interaction("i-1", "an answer");

    interactions.pipeInput("i-1", interaction);

    Score score = scores.readValue();
    var expected = models.live().orElseThrow().scoreWithUncertainty(List.of(featurizer.featurize(interaction)));
    assertThat(score.getUncertainty()).isEqualTo(expected.std()[0]).isGreaterThan(0);
    assertThat(score.getPessimisticReward()).isEqualTo(score.getRawReward() - score.getUncertainty());
    assertThat(score.getOptimisticReward()).isEqualTo(score.getRawReward() + score.getUncertainty());
    float[] sketch = dev.rewardstream.model.InputSketch.of(featurizer.featurizeVector(interaction));
    assertThat(score.getInputSketch()).as("the input sketch the feature-shift detector reads")
        .hasSize(dev.rewardstream.model.InputSketch.DIMENSIONS)
        .containsExactly(sketch[0], sketch[1], sketch[2], sketch[3], sketch[4]);
  }

  @Test
  void shouldServeTheWeightedAttributeHeadsAndEachHeadsReward() throws Exception {
    RewardNetwork.Architecture heads = new RewardNetwork.Architecture(SPEC.dimension(), 8, 3, 2);
    ModelUpdate update = publish(RewardNetwork.build(heads, manager), 1);
    update.setArchitecture(heads.describe());
    update.setAttributes(List.of(new AttributeWeight("helpful", 0.7), new AttributeWeight("concise", 0.3)));
    updates.pipeInput("reward", update);
    Interaction interaction = interaction("i-1", "a long and thorough answer");

    interactions.pipeInput("i-1", interaction);

    Score score = scores.readValue();
    assertThat(score.getAttributeRewards()).containsOnlyKeys("helpful", "concise");
    double helpful = score.getAttributeRewards().get("helpful");
    double concise = score.getAttributeRewards().get("concise");
    assertThat(helpful).isNotEqualTo(concise);
    assertThat(score.getRawReward()).isCloseTo(0.7 * helpful + 0.3 * concise, within(1e-5));
    List<dev.rewardstream.schema.SparseFeatures> rows = List.of(featurizer.featurize(interaction));
    assertThat(helpful).isCloseTo(models.live().orElseThrow().scoreHead(0, rows)[0], within(1e-6));

    // A version whose heads and named attributes disagree is refused; the previous one keeps serving.
    ModelUpdate mismatched = publish(RewardNetwork.build(heads, manager), 2);
    mismatched.setArchitecture(heads.describe());
    mismatched.setAttributes(List.of(new AttributeWeight("helpful", 1.0)));
    updates.pipeInput("reward", mismatched);
    driver.advanceWallClockTime(Duration.ofMillis(150));
    interactions.pipeInput("i-2", interaction("i-2", "another"));
    assertThat(alerts.readValue().getMessage()).contains("has 2 heads and names 1 attributes");
    assertThat(scores.readValue().getModelVersion()).isEqualTo(1);
  }

  @Test
  void shouldScoreAResponseMadeOfStepsAsTheSumOfItsStepsWithEachPrefixAndTheFirstBadStep() throws Exception {
    FeatureSpec stepped = SPEC.withSteps(dev.rewardstream.model.ResponseSteps.separatedBy("\\n"));
    ScorerConfig steppedConfig = new ScorerConfig("reward", stepped, 10_000, 5, Duration.ofMillis(100), 1.0, 0.99,
        16, 0.0);
    Featurizer steps = new Featurizer(stepped);
    try (ModelHolder holder = new ModelHolder("reward", stepped, ArtifactStore.at(dir.resolve("artifacts")));
        TopologyTestDriver stepDriver = TopologyDrivers.of(ScorerTopology.build(steppedConfig, topics, holder),
            "scorer-steps", dir.resolve("state-steps"), T0)) {
      var in = TopologyDrivers.input(stepDriver, topics.interactions);
      var out = TopologyDrivers.output(stepDriver, topics.scores);
      ModelArtifacts.Written written = ModelArtifacts.write(dir.resolve("artifacts"), "reward", 1,
          RewardNetwork.build(ARCH, manager));
      TopologyDrivers.input(stepDriver, topics.modelUpdates).pipeInput("reward", ModelUpdate.newBuilder()
          .setModelName("reward").setVersion(1).setCreatedAt(T0).setArtifactUri(written.uri().toString())
          .setSha256(written.sha256()).setFeatureSpec(stepped.fingerprint()).setArchitecture(ARCH.describe())
          .setRewardMean(0).setRewardStd(1).setExamplesTrained(1).setMetrics(Map.of()).build());
      Interaction solution = interaction("s-1", "first step here\nthen a second\nand a third one");

      in.pipeInput("s-1", solution);

      Score score = out.readValue();
      float[] stepRewards = holder.live().orElseThrow().score(List.of(steps.featurizeText("question",
          "first step here"), steps.featurizeText("question", "then a second"), steps.featurizeText("question",
          "and a third one")));
      assertThat(score.getPrefixRewards()).hasSize(3);
      assertThat(score.getPrefixRewards().get(0)).isCloseTo(stepRewards[0], within(1e-5));
      assertThat(score.getPrefixRewards().get(2)).isCloseTo(score.getRawReward(), within(1e-5))
          .isCloseTo(stepRewards[0] + stepRewards[1] + stepRewards[2], within(1e-5));
      Integer expectedBad = null;
      for (int k = 0; k < 3 && expectedBad == null; k++) {
        expectedBad = stepRewards[k] < 0 ? k : null;
      }
      assertThat(score.getFirstBadStep()).isEqualTo(expectedBad);

      in.pipeInput("s-2", interaction("s-2", "one step only"));
      Score single = out.readValue();
      assertThat(single.getPrefixRewards()).isEmpty();
      assertThat(single.getFirstBadStep()).isNull();
    }
  }

  @Test
  void shouldAccumulateTheDiscountedReturnOfAnEpisodeAndForgetItWhenDone() throws Exception {
    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 1));
    for (int step = 0; step < 3; step++) {
      interactions.pipeInput("e-" + step, Interaction.newBuilder(interaction("e-" + step, "step " + step))
          .setEpisodeId("episode-1").setStep(step).setDone(step == 2).build());
    }
    interactions.pipeInput("e-next", Interaction.newBuilder(interaction("e-next", "step 0"))
        .setEpisodeId("episode-1").setStep(0).build());

    List<Score> steps = scores.readValuesToList();
    double expected = 0;
    for (int step = 0; step < 3; step++) {
      expected += Math.pow(config.discount(), step) * steps.get(step).getRawReward();
      assertThat(steps.get(step).getDiscountedReturn()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThat(steps.get(3).getDiscountedReturn()).as("a done episode starts over")
        .isCloseTo(steps.get(3).getRawReward(), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void shouldReportHowFarANewVersionMovedTheRetainedScoresOncePerVersion() throws Exception {
    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 1));
    for (int i = 0; i < 5; i++) {
      interactions.pipeInput("i-" + i, interaction("i-" + i, "answer number " + i + " with words " + i * 7));
    }
    scores.readValuesToList();
    driver.advanceWallClockTime(Duration.ofMillis(150));

    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 2));
    driver.advanceWallClockTime(Duration.ofMillis(150));
    assertThat(summaries()).as("the report waits for every partition's part, or for its time").isEmpty();

    driver.advanceWallClockTime(RescoreSummaries.WAIT);
    List<DriftAlert> reported = summaries();
    assertThat(reported).hasSize(1);
    DriftAlert summary = reported.get(0);
    assertThat(summary.getStatus()).as("a report, not the end of a raised alert").isEqualTo(AlertStatus.REPORT);
    assertThat(summary.getScope()).isEqualTo("model=reward");
    assertThat(summary.getReferenceWindow()).isEqualTo("v1");
    assertThat(summary.getCurrentWindow()).isEqualTo("v2");
    assertThat(summary.getStatistic()).isBetween(-1.0, 1.0);
    assertThat(summary.getMessage()).contains("rescored 5 retained outputs (1 partition)")
        .contains("mean raw reward moved");

    driver.advanceWallClockTime(RescoreSummaries.WAIT);
    assertThat(summaries()).as("one report per version").isEmpty();
  }

  @Test
  void shouldReportAVersionAsSoonAsALaterOneArrives() throws Exception {
    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 1));
    for (int i = 0; i < 4; i++) {
      interactions.pipeInput("i-" + i, interaction("i-" + i, "answer " + i));
    }
    driver.advanceWallClockTime(Duration.ofMillis(150));
    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 2));
    driver.advanceWallClockTime(Duration.ofMillis(150));
    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 3));
    driver.advanceWallClockTime(Duration.ofMillis(150));

    assertThat(summaries()).extracting(DriftAlert::getCurrentWindow).containsExactly("v2");
    driver.advanceWallClockTime(RescoreSummaries.WAIT);
    assertThat(summaries()).extracting(DriftAlert::getCurrentWindow).containsExactly("v3");
  }

  private List<DriftAlert> summaries() {
    return alerts.readValuesToList().stream().filter(a -> a.getDetector().equals("rescore-summary")).toList();
  }

  @Test
  void shouldScoreInteractionsThatArrivedBeforeAnyModelOnceOneLands() throws Exception {
    interactions.pipeInput("early", interaction("early", "first output"));
    assertThat(scores.isEmpty()).isTrue();

    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 1));
    driver.advanceWallClockTime(Duration.ofMillis(150));

    assertThat(scores.readValue().getInteractionId()).isEqualTo("early");
  }

  @Test
  void shouldRefuseACorruptArtifactAlertAndKeepServingThePreviousVersion() throws Exception {
    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 1));
    ModelUpdate corrupt = publish(RewardNetwork.build(ARCH, manager), 2);
    corrupt.setSha256("0".repeat(64));

    updates.pipeInput("reward", corrupt);
    driver.advanceWallClockTime(Duration.ofMillis(150));
    interactions.pipeInput("i-1", interaction("i-1", "still scored"));

    DriftAlert alert = alerts.readValue();
    assertThat(alert.getDetector()).isEqualTo("model-artifact");
    assertThat(alert.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(alert.getStatus()).isEqualTo(AlertStatus.RAISED);
    assertThat(alert.getMessage()).contains("reward v2").contains("sha256");
    assertThat(scores.readValue().getModelVersion()).isEqualTo(1);
  }

  @Test
  void shouldDeadLetterMalformedAndInvalidInteractionsAndKeepScoring() throws Exception {
    updates.pipeInput("reward", publish(RewardNetwork.build(ARCH, manager), 1));

    rawInteractions.pipeInput("bad".getBytes(), "not avro at all".getBytes());
    interactions.pipeInput("empty", interaction("", "no id"));
    interactions.pipeInput("ok", interaction("ok", "fine"));

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).getErrorMessage()).contains("not Confluent wire format");
    assertThat(letters.get(0).getSourceTopic()).isEqualTo(topics.interactions.name());
    assertThat(letters.get(0).getSourceOffset()).isEqualTo(0);
    assertThat(letters.get(1).getErrorMessage()).contains("interaction_id is empty");
    assertThat(letters.get(1).getSourceOffset()).isEqualTo(1);
    assertThat(scores.readValuesToList()).extracting(Score::getInteractionId).containsExactly("ok");
  }

  private ModelUpdate publish(Block network, long version) throws Exception {
    ModelArtifacts.Written written = ModelArtifacts.write(dir.resolve("artifacts"), "reward", version, network);
    return ModelUpdate.newBuilder().setModelName("reward").setVersion(version).setCreatedAt(T0)
        .setArtifactUri(written.uri().toString()).setSha256(written.sha256()).setFeatureSpec(SPEC.fingerprint())
        .setArchitecture(ARCH.describe()).setRewardMean(0.5).setRewardStd(2.0).setExamplesTrained(100)
        .setMetrics(Map.of()).build();
  }

  private static Interaction interaction(String id, String response) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("agent").setPolicyVersion("p1").setEventTime(T0)
        .setPrompt("question").setResponse(response).build();
  }
}
