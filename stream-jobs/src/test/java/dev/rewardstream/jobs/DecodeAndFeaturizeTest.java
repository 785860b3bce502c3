package dev.rewardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.Featurizer;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.schema.internal.FeaturizedInteraction;
import dev.rewardstream.testing.EmbeddedKafkaExtension;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Validation and featurization operators under Flink's harness, decoding against the real schema registry. */
class DecodeAndFeaturizeTest extends JobTestBase {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void shouldPassValidInteractionsAndDeadLetterEveryKindOfBadOneWithItsOrigin() throws Exception {
    FeatureJobConfig config = FeatureJobConfig.defaults(KAFKA.infra().serdeConfig());
    var topic = KAFKA.infra().topics().interactions;
    byte[] valid = topic.encode(interaction("i-1", "q", "a fine answer"));
    byte[] unknownSchema = valid.clone();
    ByteBuffer.wrap(unknownSchema, 1, 4).putInt(77_777);
    Interaction nan = Interaction.newBuilder(interaction("i-nan", "q", "x")).setState(List.of(Float.NaN)).build();
    Interaction tooLong = interaction("i-long", "q", "y".repeat(config.maxTextChars() + 1));
    Interaction badRating = Interaction.newBuilder(interaction("i-rating", "q", "z"))
        .setRatings(java.util.Map.of("helpfulness", Float.POSITIVE_INFINITY)).build();
    try (OneInputStreamOperatorTestHarness<RawRecord, InteractionEnvelope> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new DecodeInteraction(config))) {
      harness.open();
      harness.processElement(raw(topic.name(), 0, valid), 0);
      harness.processElement(raw(topic.name(), 1, "{not avro".getBytes()), 0);
      harness.processElement(raw(topic.name(), 2, unknownSchema), 0);
      harness.processElement(raw(topic.name(), 3, topic.encode(nan)), 0);
      harness.processElement(raw(topic.name(), 4, topic.encode(tooLong)), 0);
      harness.processElement(raw(topic.name(), 5, null), 0);
      harness.processElement(raw(topic.name(), 6, topic.encode(badRating)), 0);

      assertThat(harness.extractOutputValues()).singleElement()
          .satisfies(e -> assertThat(e.interaction.getInteractionId()).isEqualTo("i-1"));
      List<DeadLetter> letters = harness.getSideOutput(DeadLetterOutput.TAG).stream().map(StreamRecord::getValue)
          .toList();
      assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(letters).extracting(DeadLetter::getErrorMessage).satisfiesExactly(
          m -> assertThat(m).contains("not Confluent wire format"),
          m -> assertThat(m).contains("unknown schema id 77777"),
          m -> assertThat(m).contains("state[0] is NaN"),
          m -> assertThat(m).contains("the limit is " + config.maxTextChars()),
          m -> assertThat(m).contains("tombstone"),
          m -> assertThat(m).contains("rating 'helpfulness' is Infinity"));
      assertThat(letters).allMatch(l -> l.getStage().equals(DecodeInteraction.STAGE)
          && l.getSourceTopic().equals(topic.name()));
    }
  }

  @Test
  void shouldDeadLetterStepRatingsThatDoNotMatchTheResponsesSteps() throws Exception {
    FeatureJobConfig config = FeatureJobConfig.defaults(KAFKA.infra().serdeConfig());
    FeatureJobConfig stepped = config.withFeatureSpec(config.featureSpec().withSteps(
        dev.rewardstream.model.ResponseSteps.separatedBy("\\n")));
    var topic = KAFKA.infra().topics().interactions;
    Interaction twoSteps = interaction("i-2", "q", "first\nsecond");
    Interaction matching = Interaction.newBuilder(twoSteps).setStepRatings(List.of(1f, -1f)).build();
    Interaction tooMany = Interaction.newBuilder(twoSteps).setInteractionId("i-3")
        .setStepRatings(List.of(1f, 0f, -1f)).build();
    Interaction outOfRange = Interaction.newBuilder(twoSteps).setInteractionId("i-4")
        .setStepRatings(java.util.Arrays.asList(null, 3f)).build();
    try (OneInputStreamOperatorTestHarness<RawRecord, InteractionEnvelope> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new DecodeInteraction(stepped));
        OneInputStreamOperatorTestHarness<RawRecord, InteractionEnvelope> unstepped =
            ProcessFunctionTestHarnesses.forProcessFunction(new DecodeInteraction(config))) {
      harness.open();
      unstepped.open();
      harness.processElement(raw(topic.name(), 0, topic.encode(matching)), 0);
      harness.processElement(raw(topic.name(), 1, topic.encode(tooMany)), 0);
      harness.processElement(raw(topic.name(), 2, topic.encode(outOfRange)), 0);
      unstepped.processElement(raw(topic.name(), 3, topic.encode(matching)), 0);

      assertThat(harness.extractOutputValues()).singleElement()
          .satisfies(e -> assertThat(e.interaction.getInteractionId()).isEqualTo("i-2"));
      assertThat(harness.getSideOutput(DeadLetterOutput.TAG)).extracting(r -> r.getValue().getErrorMessage())
          .satisfiesExactly(
              m -> assertThat(m).contains("step_ratings has 3 ratings, the response has 2 steps"),
              m -> assertThat(m).contains("step_ratings[1] is 3.0, outside [-1, 1]"));
      assertThat(unstepped.getSideOutput(DeadLetterOutput.TAG)).singleElement()
          .satisfies(r -> assertThat(r.getValue().getErrorMessage()).contains("--step-separator"));
    }
  }

  @Test
  void shouldFeaturizeAndRouteRewardsToPointwiseExamplesOrEpisodeAttribution() throws Exception {
    FeatureJobConfig config = FeatureJobConfig.defaults(KAFKA.infra().serdeConfig());
    Interaction text = interaction("t", "q", "an answer");
    Interaction rewarded = Interaction.newBuilder(interaction("r", "q", "rewarded")).setEnvReward(0.5).build();
    Interaction step = Interaction.newBuilder(interaction("s", "q", "step")).setEpisodeId("e").setEnvReward(1.0)
        .build();
    try (OneInputStreamOperatorTestHarness<Interaction, FeaturizedInteraction> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new FeaturizeInteraction(config))) {
      harness.open();
      harness.processElement(text, 0);
      harness.processElement(rewarded, 0);
      harness.processElement(step, 0);

      Featurizer featurizer = new Featurizer(config.featureSpec());
      assertThat(harness.extractOutputValues()).extracting(FeaturizedInteraction::getFeatures)
          .containsExactly(featurizer.featurize(text), featurizer.featurize(rewarded), featurizer.featurize(step));
      assertThat(harness.getSideOutput(FeaturizeInteraction.POINTWISE)).singleElement().satisfies(r -> {
        TrainingExample example = r.getValue();
        assertThat(example.getExampleId()).isEqualTo("pointwise/r");
        assertThat(example.getTarget()).isEqualTo(0.5f);
      });
      assertThat(harness.getSideOutput(FeaturizeInteraction.EPISODE_STEPS)).singleElement()
          .satisfies(r -> assertThat(r.getValue().episodeId).isEqualTo("e"));
    }
  }

  private static RawRecord raw(String topic, long offset, byte[] value) {
    return new RawRecord(topic, 0, offset, 0, null, value);
  }
}
