package dev.rewardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.Featurizer;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature job on a MiniCluster at parallelism 2 against a real broker and the schema registry. */
class FeatureJobIntegrationTest extends JobTestBase {

  @TempDir Path dataDir;

  @Test
  void shouldJoinPreferencesIntoExamplesAndDeadLetterEveryBadRecord() throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dataDir)) {
      Topics topics = infra.topics();
      FeatureJobConfig config = FeatureJobConfig.defaults(infra.serdeConfig()).withUnmatchedTimeout(Duration.ofSeconds(3));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
      FeatureJob.configure(env, Duration.ofMillis(500));
      FeatureJob.onKafka(infra.kafka(), config).build(env);
      JobClient job = env.executeAsync(FeatureJob.JOB_NAME);
      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
        Interaction good = interaction("i-good", "How do I bake bread?", "Mix flour, water and yeast, then bake.");
        Interaction bad = interaction("i-bad", "How do I bake bread?", "No.");
        // The preference is produced before the interactions it names. The two sources deliver them in whatever
        // order their readers do; FeatureOperatorsTest drives the join through each order.
        TopicIO.send(producer, topics.preferences, "p-1", preference("p-1", "i-good", "i-bad", PreferenceOutcome.A));
        TopicIO.send(producer, topics.interactions, "i-good", good);
        TopicIO.send(producer, topics.interactions, "i-bad", bad);
        TopicIO.send(producer, topics.preferences, "p-tie", preference("p-tie", "i-bad", "i-good",
            PreferenceOutcome.TIE));
        TopicIO.send(producer, topics.preferences, "p-unmatched", preference("p-unmatched", "i-good", "i-never",
            PreferenceOutcome.B));
        TopicIO.send(producer, topics.interactions, "s-1", stepWithReward("s-1", List.of(0.1f, -0.2f), 1.0));
        TopicIO.send(producer, topics.interactions, "s-2", stepWithReward("s-2", List.of(0.3f, -0.2f), 3.0));
        TopicIO.send(producer, topics.interactions, "s-bad", stepWithReward("s-bad", List.of(0.3f), 3.0));
        // Bad input at the interactions and preferences topics.
        producer.send(new ProducerRecord<>(topics.interactions.name(), bytes("junk"), bytes("{\"not\":\"avro\"}")));
        byte[] unknownSchema = topics.interactions.encode(good);
        ByteBuffer.wrap(unknownSchema, 1, 4).putInt(987654);
        producer.send(new ProducerRecord<>(topics.interactions.name(), bytes("unknown"), unknownSchema));
        TopicIO.send(producer, topics.interactions, "empty", interaction(" ", "p", "r"));
        TopicIO.send(producer, topics.preferences, "p-self", preference("p-self", "i-good", "i-good",
            PreferenceOutcome.A));
        TopicIO.send(producer, topics.preferences, "p-1", preference("p-1", "i-good", "i-bad", PreferenceOutcome.A));
        producer.flush();

        List<TrainingExample> examples = TopicIO.readUntil(infra.bootstrapServers(), topics.trainingExamples,
            Duration.ofSeconds(60), read -> read.size() >= 4);
        List<DeadLetter> deadLetters = TopicIO.readUntil(infra.bootstrapServers(), topics.deadLetters,
            Duration.ofSeconds(60), read -> read.size() >= 7);
        List<NormalizationStats> stats = TopicIO.readUntil(infra.bootstrapServers(), topics.normalizationStats,
            Duration.ofSeconds(30), read -> read.stream().anyMatch(s -> s.getCount() >= 2));

        Map<String, TrainingExample> byId =
            examples.stream().collect(Collectors.toMap(TrainingExample::getExampleId, Function.identity()));
        assertThat(byId).containsOnlyKeys("p-1", "p-tie", "pointwise/s-1", "pointwise/s-2");
        Featurizer featurizer = new Featurizer(config.featureSpec());
        TrainingExample p1 = byId.get("p-1");
        assertThat(p1.getKind()).isEqualTo(ExampleKind.PAIRWISE);
        assertThat(p1.getTarget()).isEqualTo(1f);
        assertThat(p1.getWeight()).isEqualTo(0.9f);
        assertThat(p1.getA()).containsExactly(featurizer.featurize(good));
        assertThat(p1.getB()).containsExactly(featurizer.featurize(bad));
        assertThat(p1.getFeatureSpec()).isEqualTo(config.featureSpec().fingerprint());
        assertThat(byId.get("p-tie").getTarget()).isEqualTo(0.5f);
        // Normalized with the statistics up to each step; the two steps may meet the keyed operator in either order
        // (different partitions): 1 then 3 gives 0 and +1, 3 then 1 gives 0 and −1. Either way they are one std apart.
        assertThat(byId.get("pointwise/s-2").getTarget() - byId.get("pointwise/s-1").getTarget()).isEqualTo(1f);
        assertThat(Math.abs(byId.get("pointwise/s-1").getTarget() * byId.get("pointwise/s-2").getTarget())).isZero();
        assertThat(stats).last().satisfies(s -> {
          assertThat(s.getEnvironment()).isEqualTo("default");
          assertThat(s.getRewardMean()).isEqualTo(2.0);
        });

        Map<String, String> reasons = deadLetters.stream().collect(Collectors.toMap(
            letter -> letter.getSourceTopic() + "@" + letter.getSourceOffset() + " " + letter.getStage(),
            letter -> letter.getErrorClass() + ": " + letter.getErrorMessage()));
        assertThat(reasons.values()).anyMatch(r -> r.contains("not Confluent wire format"));
        assertThat(reasons.values()).anyMatch(r -> r.contains("unknown schema id 987654"));
        assertThat(reasons.values()).anyMatch(r -> r.contains("interaction_id is empty"));
        assertThat(reasons.values()).anyMatch(r -> r.contains("name the same interaction"));
        assertThat(reasons.values()).anyMatch(r -> r.contains("UnmatchedPreference") && r.contains("[i-never]"));
        assertThat(reasons.values()).anyMatch(r -> r.contains("DuplicatePreference"));
        assertThat(reasons.values()).anyMatch(r -> r.contains("VectorLengthMismatch"));
        assertThat(deadLetters).allMatch(letter -> letter.getRawValue() != null && letter.getSourceOffset() >= 0);
      } finally {
        job.cancel().get();
      }
    }
  }

  private static Interaction stepWithReward(String id, List<Float> state, double reward) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("cartpole-agent").setPolicyVersion("p1")
        .setEpisodeId("e-1").setStep(0).setEventTime(T0).setState(state).setAction(List.of(1f))
        .setEnvReward(reward).build();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
