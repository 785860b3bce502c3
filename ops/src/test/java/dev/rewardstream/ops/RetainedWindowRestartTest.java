package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Score;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.OnlineRewardLearner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer's retained window has no changelog: its durable copy is the interactions partition. On a real broker, a
 * scorer restarted on the same state directory (whose in-memory ring starts empty) still rescores the interactions it
 * scored before the restart when the next version lands, read back from the partition; and a record that was
 * dead-lettered the first time is not read back into the window. One partition gets no record after the restart:
 * its task has nothing of its own to say where its window ends, and takes the end from its committed offset.
 */
class RetainedWindowRestartTest {

  private static final int BEFORE = 30;
  /** Partitions of the interactions topic that get a record after the restart; partition 0 gets none. */
  private static final List<Integer> AFTER_PARTITIONS = List.of(1, 2);

  @TempDir Path dir;

  @Test
  void shouldRescoreInteractionsScoredBeforeARestartWhenTheNextVersionLands() throws Exception {
    ScorerConfig config = new ScorerConfig("reward", FeatureSpec.DEFAULT, 32_768, 50, Duration.ofMillis(200));
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"));
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers());
        OnlineRewardLearner learner = new OnlineRewardLearner(config.featureSpec(), LearnerOptions.network())) {
      publish(infra, producer, learner, config, 1);
      for (int i = 0; i < BEFORE; i++) {
        TopicIO.send(producer, infra.topics().interactions, "before-" + i, interaction("before-" + i));
      }
      producer.send(new ProducerRecord<>(infra.topics().interactions.name(),
          "garbage".getBytes(), "not an interaction".getBytes()));
      producer.flush();
      try (ScorerService scorer = new ScorerService(infra.kafka(), dir.resolve("scorer-state"),
          ArtifactStore.at(dir.resolve("artifacts")), config, infra.topics())) {
        scorer.start();
        List<Score> scored = TopicIO.readUntil(infra.bootstrapServers(), infra.topics().scores, Duration.ofSeconds(60),
            read -> read.stream().filter(s -> !s.getRescore()).count() >= BEFORE);
        assertThat(scored.stream().filter(s -> !s.getRescore())).hasSize(BEFORE);
      }

      try (ScorerService restarted = new ScorerService(infra.kafka(), dir.resolve("scorer-state"),
          ArtifactStore.at(dir.resolve("artifacts")), config, infra.topics())) {
        restarted.start();
        for (int partition : AFTER_PARTITIONS) {
          String id = "after-" + partition;
          producer.send(new ProducerRecord<>(infra.topics().interactions.name(), partition,
              id.getBytes(StandardCharsets.UTF_8), infra.topics().interactions.encode(interaction(id))));
        }
        producer.flush();
        TopicIO.readUntil(infra.bootstrapServers(), infra.topics().scores, Duration.ofSeconds(60),
            read -> read.stream().filter(s -> s.getInteractionId().startsWith("after-")).count()
                >= AFTER_PARTITIONS.size());
        publish(infra, producer, learner, config, 2);

        List<Score> rescoredByV2 = TopicIO.readUntil(infra.bootstrapServers(), infra.topics().scores,
            Duration.ofSeconds(60), read -> rescoredBy(read, 2).size() >= BEFORE + AFTER_PARTITIONS.size());
        Set<String> ids = rescoredBy(rescoredByV2, 2);
        assertThat(ids).as("every interaction of the window, from before and after the restart")
            .hasSize(BEFORE + AFTER_PARTITIONS.size())
            .allMatch(id -> id.startsWith("before-") || id.startsWith("after-"));
      }
    }
  }

  private static Set<String> rescoredBy(List<Score> scores, long version) {
    return scores.stream().filter(s -> s.getRescore() && s.getModelVersion() == version)
        .map(Score::getInteractionId).collect(Collectors.toSet());
  }

  private static Interaction interaction(String id) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("agent").setPolicyVersion("p1")
        .setEventTime(Instant.now()).setPrompt("Human: how do I make tea?").setResponse("Boil water, steep " + id)
        .build();
  }

  private void publish(EmbeddedInfrastructure infra, KafkaProducer<byte[], byte[]> producer,
      OnlineRewardLearner learner, ScorerConfig config, long version) throws Exception {
    ModelArtifacts.Written written = learner.write(dir.resolve("artifacts"), config.modelName(), version);
    TopicIO.send(producer, infra.topics().modelUpdates, config.modelName(), ModelUpdate.newBuilder()
        .setModelName(config.modelName()).setVersion(version).setCreatedAt(Instant.now())
        .setArtifactUri(written.uri().toString()).setSha256(written.sha256())
        .setFeatureSpec(config.featureSpec().fingerprint()).setArchitecture(learner.architecture().describe())
        .setRewardMean(0).setRewardStd(1).setExamplesTrained(0).build());
    producer.flush();
  }
}
