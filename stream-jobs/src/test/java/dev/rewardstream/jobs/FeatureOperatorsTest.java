package dev.rewardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.Featurizer;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.schema.internal.FeaturizedInteraction;
import dev.rewardstream.serde.SerdeConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The feature job's stateful operators, one at a time, with Flink's operator test harnesses. */
class FeatureOperatorsTest extends JobTestBase {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final FeatureJobConfig config = FeatureJobConfig.defaults(SerdeConfig.of("unused"))
      .withUnmatchedTimeout(TIMEOUT)
      .withEnvironments(Map.of("cartpole", new EnvironmentSpec(4, 1)));
  private final Featurizer featurizer = new Featurizer(config.featureSpec());

  // ------------------------------------------------------------------ normalization per environment

  @Test
  void shouldRejectVectorsThatDoNotMatchTheEnvironmentSpec() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, InteractionEnvelope, Interaction> harness = normalizer()) {
      harness.processElement(envelope(step("ok", "cartpole", List.of(0f, 1f, 2f, 3f), List.of(1f), 1.0)), 0);
      harness.processElement(envelope(step("short", "cartpole", List.of(0f, 1f), List.of(1f), 1.0)), 0);
      harness.processElement(envelope(step("learned", "pendulum", List.of(0f, 1f, 2f), List.of(1f), null)), 0);
      harness.processElement(envelope(step("drifted", "pendulum", List.of(0f), List.of(1f), null)), 0);

      assertThat(harness.extractOutputValues()).extracting(Interaction::getInteractionId)
          .containsExactly("ok", "learned");
      assertThat(harness.getSideOutput(DeadLetterOutput.TAG)).extracting(r -> r.getValue().getErrorMessage())
          .containsExactly(
              "environment cartpole expects state[4] and action[1], got state[2] and action[1]",
              "environment pendulum expects state[3] and action[1], got state[1] and action[1]");
    }
  }

  @Test
  void shouldStandardizeRewardsAndValuesWithRunningStatisticsAndExportThem() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, InteractionEnvelope, Interaction> harness = normalizer()) {
      harness.processElement(envelope(step("a", "cartpole", List.of(1f, 0f, 0f, 0f), List.of(0f), 1.0)), 0);
      harness.processElement(envelope(step("b", "cartpole", List.of(3f, 0f, 0f, 0f), List.of(0f), 3.0)), 0);
      harness.processElement(envelope(step("c", "cartpole", Arrays.asList(null, 0f, 0f, 0f), List.of(0f), 2.0)), 0);

      List<Interaction> out = harness.extractOutputValues();
      assertThat(out.get(1).getEnvReward()).isEqualTo(1.0); // rewards 1,3: mean 2, std 1
      assertThat(out.get(1).getState().get(0)).isEqualTo(1f);
      assertThat(out.get(2).getState().get(0)).as("missing stays missing").isNull();
      assertThat(out.get(2).getEnvReward()).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-12));

      harness.setProcessingTime(config.statsExportInterval().toMillis());
      List<NormalizationStats> exported = harness.getSideOutput(NormalizePerEnvironment.STATS).stream()
          .map(StreamRecord::getValue).toList();
      assertThat(exported).singleElement().satisfies(stats -> {
        assertThat(stats.getEnvironment()).isEqualTo("cartpole");
        assertThat(stats.getCount()).isEqualTo(3);
        assertThat(stats.getRewardMean()).isEqualTo(2.0);
        assertThat(stats.getStateMean().get(0)).isEqualTo(2.0);
      });
    }
  }

  // ------------------------------------------------------------------ episode reward attribution

  @Test
  void shouldSpreadASparseEpisodeRewardOverItsStepsAndClearTheEpisode() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, EpisodeStep, TrainingExample> harness =
        attribution(RewardAttribution.SPREAD)) {
      harness.processElement(episodeStep("s0", null, false), 0);
      harness.processElement(episodeStep("s1", null, false), 0);
      assertThat(harness.extractOutputValues()).isEmpty();
      harness.processElement(episodeStep("s2", 3.0, true), 0);

      assertThat(harness.extractOutputValues()).extracting(TrainingExample::getExampleId, TrainingExample::getTarget)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("pointwise/s0", 1f),
              org.assertj.core.groups.Tuple.tuple("pointwise/s1", 1f),
              org.assertj.core.groups.Tuple.tuple("pointwise/s2", 1f));
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void shouldGiveTheTerminalStepTheWholeRewardAndPassDenseRewardsThrough() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, EpisodeStep, TrainingExample> harness =
        attribution(RewardAttribution.TERMINAL_STEP)) {
      harness.processElement(episodeStep("d0", 0.5, false), 0);
      harness.processElement(episodeStep("s1", null, false), 0);
      harness.processElement(episodeStep("s2", 3.0, true), 0);

      assertThat(harness.extractOutputValues()).extracting(TrainingExample::getExampleId, TrainingExample::getTarget)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("pointwise/d0", 0.5f),
              org.assertj.core.groups.Tuple.tuple("pointwise/s2", 3f));
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void shouldForgetAnEpisodeThatNeverEnds() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, EpisodeStep, TrainingExample> harness =
        attribution(RewardAttribution.SPREAD)) {
      harness.processElement(episodeStep("s0", null, false), 0);
      assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

      harness.setProcessingTime(config.interactionRetention().toMillis() + 1);

      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.extractOutputValues()).isEmpty();
    }
  }

  // ------------------------------------------------------------------ the join

  @Test
  void shouldServeARequestThatArrivedBeforeItsInteractionAndKeepNoWaitingState() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<String, FeaturizedInteraction, FeatureRequest, FeaturePart> harness =
        serveFeatures()) {
      harness.processElement2(new StreamRecord<>(new FeatureRequest("p", "i-1", FeaturePart.SIDE_A, 0, 0)));
      assertThat(harness.extractOutputValues()).isEmpty();

      SparseFeatures f = featurizer.featurizeText("q", "late answer");
      harness.processElement1(new StreamRecord<>(new FeaturizedInteraction("i-1", T0, f, "policy-1", "agent-1", List.of())));

      assertThat(harness.extractOutputValues()).singleElement().satisfies(part -> {
        assertThat(part.preferenceId).isEqualTo("p");
        assertThat(part.features).isEqualTo(f);
        assertThat(part.policyVersion).isEqualTo("policy-1");
        assertThat(part.agentId).isEqualTo("agent-1");
      });
      assertThat(harness.numKeyedStateEntries()).as("only the interaction, kept for later preferences").isEqualTo(1);
    }
  }

  @Test
  void shouldAssembleAPreferenceFromPartsInAnyOrderAndClearItsState() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<String, PreferenceEnvelope, FeaturePart, TrainingExample> harness =
        assemble()) {
      SparseFeatures a = featurizer.featurizeText("q", "a");
      SparseFeatures b = featurizer.featurizeText("q", "b");
      harness.processElement2(new StreamRecord<>(new FeaturePart("p", FeaturePart.SIDE_B, 0, b, "policy-2", "bot")));
      harness.processElement1(new StreamRecord<>(envelopeOf(preference("p", "i-a", "i-b", PreferenceOutcome.B))));
      harness.processElement2(new StreamRecord<>(new FeaturePart("p", FeaturePart.SIDE_A, 0, a)));

      TrainingExample example = harness.extractOutputValues().get(0);
      assertThat(example.getKind()).isEqualTo(ExampleKind.PAIRWISE);
      assertThat(example.getAOrigin()).as("side a came without an origin").isNull();
      assertThat(example.getBOrigin().getPolicyVersion()).isEqualTo("policy-2");
      assertThat(example.getBOrigin().getAgentId()).isEqualTo("bot");
      assertThat(example.getA()).containsExactly(a);
      assertThat(example.getB()).containsExactly(b);
      assertThat(example.getTarget()).isZero();
      assertThat(harness.numKeyedStateEntries()).as("only the duplicate marker").isEqualTo(1);

      harness.processElement1(new StreamRecord<>(envelopeOf(preference("p", "i-a", "i-b", PreferenceOutcome.B))));
      assertThat(harness.getSideOutput(DeadLetterOutput.TAG)).singleElement()
          .satisfies(r -> assertThat(r.getValue().getErrorClass()).isEqualTo("DuplicatePreference"));

      harness.setProcessingTime(config.interactionRetention().toMillis() + 1);
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void shouldCarryTheAttributeAPreferenceJudges() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<String, PreferenceEnvelope, FeaturePart, TrainingExample> harness =
        assemble()) {
      dev.rewardstream.schema.Preference judged = preference("p", "i-a", "i-b", PreferenceOutcome.A);
      judged.setAttribute("conciseness");
      harness.processElement1(new StreamRecord<>(envelopeOf(judged)));
      harness.processElement2(new StreamRecord<>(new FeaturePart("p", FeaturePart.SIDE_A, 0,
          featurizer.featurizeText("q", "a"))));
      harness.processElement2(new StreamRecord<>(new FeaturePart("p", FeaturePart.SIDE_B, 0,
          featurizer.featurizeText("q", "b"))));

      assertThat(harness.extractOutputValues()).singleElement()
          .satisfies(example -> assertThat(example.getAttribute()).isEqualTo("conciseness"));
    }
  }

  @Test
  void shouldMakeEachRatingOfAnOutputAPointwiseLabelOfItsAttribute() throws Exception {
    var harness = ProcessFunctionTestHarnesses.forProcessFunction(new FeaturizeInteraction(config));
    Interaction rated = Interaction.newBuilder().setInteractionId("i-1").setAgentId("agent").setPolicyVersion("p")
        .setEventTime(T0).setPrompt("q").setResponse("a short answer")
        .setRatings(Map.of("helpfulness", 3f, "verbosity", 1f)).build();
    harness.processElement(rated, 0);

    List<TrainingExample> examples = harness.getSideOutput(FeaturizeInteraction.POINTWISE).stream()
        .map(StreamRecord::getValue).toList();
    assertThat(examples).extracting(TrainingExample::getExampleId, TrainingExample::getAttribute,
        TrainingExample::getTarget, TrainingExample::getKind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("rating/helpfulness/i-1", "helpfulness", 3f, ExampleKind.POINTWISE),
        org.assertj.core.groups.Tuple.tuple("rating/verbosity/i-1", "verbosity", 1f, ExampleKind.POINTWISE));
    assertThat(examples.get(0).getA()).containsExactly(featurizer.featurize(rated));
    harness.close();
  }

  @Test
  void shouldKeepEachStepOfAResponseAndMakeEachRatedStepAPointwiseLabel() throws Exception {
    FeatureJobConfig stepped = config.withFeatureSpec(config.featureSpec().withSteps(
        dev.rewardstream.model.ResponseSteps.separatedBy("\\n")));
    var harness = ProcessFunctionTestHarnesses.forProcessFunction(new FeaturizeInteraction(stepped));
    Interaction solution = Interaction.newBuilder().setInteractionId("s-1").setAgentId("agent").setPolicyVersion("p")
        .setEventTime(T0).setPrompt("solve x + 1 = 3").setResponse("x = 3 - 1\nx = 2\nso x is 5")
        .setStepRatings(Arrays.asList(1f, null, -1f)).build();
    harness.processElement(solution, 0);

    FeaturizedInteraction kept = harness.extractOutputValues().get(0);
    Featurizer steps = new Featurizer(stepped.featureSpec());
    assertThat(kept.getResponseSteps()).containsExactly(steps.featurizeText("solve x + 1 = 3", "x = 3 - 1"),
        steps.featurizeText("solve x + 1 = 3", "x = 2"), steps.featurizeText("solve x + 1 = 3", "so x is 5"));
    List<TrainingExample> labels = harness.getSideOutput(FeaturizeInteraction.POINTWISE).stream()
        .map(StreamRecord::getValue).toList();
    assertThat(labels).extracting(TrainingExample::getExampleId, TrainingExample::getTarget).containsExactly(
        org.assertj.core.groups.Tuple.tuple("step/0/s-1", 1f), org.assertj.core.groups.Tuple.tuple("step/2/s-1", -1f));
    assertThat(labels.get(1).getA()).containsExactly(kept.getResponseSteps().get(2));
    harness.close();
  }

  @Test
  void shouldSpreadAPreferenceOverEveryStepOfTheResponsesItCompares() throws Exception {
    SparseFeatures a0 = featurizer.featurizeText("q", "a0");
    SparseFeatures a1 = featurizer.featurizeText("q", "a1");
    SparseFeatures b = featurizer.featurizeText("q", "b");
    FeaturizedInteraction twoSteps = new FeaturizedInteraction("i-a", T0, featurizer.featurizeText("q", "a0 a1"),
        "policy-1", "agent-1", List.of(a0, a1));
    FeaturizedInteraction oneStep = new FeaturizedInteraction("i-b", T0, b, "policy-1", "agent-1", List.of());
    try (KeyedTwoInputStreamOperatorTestHarness<String, PreferenceEnvelope, FeaturePart, TrainingExample> harness =
        assemble()) {
      harness.processElement1(new StreamRecord<>(envelopeOf(preference("p", "i-a", "i-b", PreferenceOutcome.A))));
      // The steps of side A arrive in reverse, after side B.
      List<FeaturePart> parts = FeaturePart.of(new FeatureRequest("p", "i-a", FeaturePart.SIDE_A, 0, 0), twoSteps);
      harness.processElement2(new StreamRecord<>(
          FeaturePart.of(new FeatureRequest("p", "i-b", FeaturePart.SIDE_B, 0, 0), oneStep).get(0)));
      harness.processElement2(new StreamRecord<>(parts.get(1)));
      assertThat(harness.extractOutputValues()).as("side A still misses its first step").isEmpty();
      harness.processElement2(new StreamRecord<>(parts.get(0)));

      TrainingExample example = harness.extractOutputValues().get(0);
      assertThat(example.getA()).containsExactly(a0, a1);
      assertThat(example.getB()).containsExactly(b);
      assertThat(harness.numKeyedStateEntries()).as("only the duplicate marker").isEqualTo(1);
    }
  }

  @Test
  void shouldAssembleTrajectorySegmentsStepByStep() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<String, PreferenceEnvelope, FeaturePart, TrainingExample> harness =
        assemble()) {
      harness.processElement1(new StreamRecord<>(envelopeOf(segmentPreference("seg", List.of("a0", "a1"),
          List.of("b0"), PreferenceOutcome.A))));
      SparseFeatures[] steps = {featurizer.featurizeText("", "a0"), featurizer.featurizeText("", "a1"),
          featurizer.featurizeText("", "b0")};
      harness.processElement2(new StreamRecord<>(new FeaturePart("seg", FeaturePart.SIDE_A, 1, steps[1])));
      harness.processElement2(new StreamRecord<>(new FeaturePart("seg", FeaturePart.SIDE_B, 0, steps[2])));
      assertThat(harness.extractOutputValues()).as("side A still misses step 0").isEmpty();
      harness.processElement2(new StreamRecord<>(new FeaturePart("seg", FeaturePart.SIDE_A, 0, steps[0])));

      TrainingExample example = harness.extractOutputValues().get(0);
      assertThat(example.getA()).containsExactly(steps[0], steps[1]);
      assertThat(example.getB()).containsExactly(steps[2]);
    }
  }

  @Test
  void shouldDeadLetterAnUnmatchedPreferenceNamingWhatIsMissingAndClearIt() throws Exception {
    try (KeyedTwoInputStreamOperatorTestHarness<String, PreferenceEnvelope, FeaturePart, TrainingExample> harness =
        assemble()) {
      harness.processElement1(new StreamRecord<>(envelopeOf(preference("p", "i-a", "i-gone", PreferenceOutcome.A))));
      harness.processElement2(new StreamRecord<>(new FeaturePart("p", FeaturePart.SIDE_A, 0,
          featurizer.featurizeText("q", "a"))));

      harness.setProcessingTime(TIMEOUT.toMillis());

      List<DeadLetter> letters = harness.getSideOutput(DeadLetterOutput.TAG).stream().map(StreamRecord::getValue)
          .toList();
      assertThat(letters).singleElement().satisfies(letter -> {
        assertThat(letter.getErrorClass()).isEqualTo("UnmatchedPreference");
        assertThat(letter.getErrorMessage()).contains("[i-gone]");
        assertThat(letter.getSourceTopic()).isEqualTo("preferences");
        assertThat(letter.getSourceOffset()).isEqualTo(42);
      });
      assertThat(harness.extractOutputValues()).isEmpty();
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }

  // ------------------------------------------------------------------ fixtures

  private KeyedOneInputStreamOperatorTestHarness<String, InteractionEnvelope, Interaction> normalizer()
      throws Exception {
    var harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new NormalizePerEnvironment(config),
        InteractionEnvelope::environment, Types.STRING);
    harness.open();
    return harness;
  }

  private KeyedOneInputStreamOperatorTestHarness<String, EpisodeStep, TrainingExample> attribution(
      RewardAttribution mode) throws Exception {
    var harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new AttributeEpisodeRewards(config.withAttribution(mode)), step -> step.episodeId, Types.STRING);
    harness.open();
    return harness;
  }

  private KeyedTwoInputStreamOperatorTestHarness<String, FeaturizedInteraction, FeatureRequest, FeaturePart>
      serveFeatures() throws Exception {
    var harness = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new ServeFeatures(config)),
        FeaturizedInteraction::getInteractionId, (FeatureRequest r) -> r.interactionId, Types.STRING);
    harness.open();
    return harness;
  }

  private KeyedTwoInputStreamOperatorTestHarness<String, PreferenceEnvelope, FeaturePart, TrainingExample> assemble()
      throws Exception {
    var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
        new KeyedCoProcessOperator<>(new AssemblePairwiseExample(config)),
        (PreferenceEnvelope e) -> e.preference.getPreferenceId(), (FeaturePart p) -> p.preferenceId, Types.STRING);
    harness.open();
    return harness;
  }

  private static InteractionEnvelope envelope(Interaction interaction) {
    return new InteractionEnvelope(interaction, new RawRecord("interactions", 0, 7, 0, null, new byte[] {1}));
  }

  private static PreferenceEnvelope envelopeOf(dev.rewardstream.schema.Preference preference) {
    return new PreferenceEnvelope(preference, new RawRecord("preferences", 1, 42, 0, null, new byte[] {2}));
  }

  private static Interaction step(String id, String environment, List<Float> state, List<Float> action, Double reward) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("agent").setPolicyVersion("p")
        .setEnvironment(environment).setEventTime(T0).setState(state).setAction(action).setEnvReward(reward).build();
  }

  private EpisodeStep episodeStep(String id, Double reward, boolean done) {
    return new EpisodeStep("episode-1", id, featurizer.featurizeText("", id), reward, done, T0.toEpochMilli());
  }
}
