package dev.rewardstream.ops;

import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.runtime.EmbeddedPlatform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.LiveAccuracy;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Score;
import dev.rewardstream.serde.TopicIO;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.rewardstream.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on the embedded platform: simulated agents and a labeler whose preferences follow a hidden reward →
 * Flink feature job → trainer → scorer. Then a restart on the same data directory resumes where it stopped.
 */
class RewardLoopIntegrationTest {

  @TempDir Path dataDir;

  @Test
  void shouldLearnTheHiddenRewardAndResumeAfterARestart() throws Exception {
    PlatformConfig config = PlatformConfig.onFreePorts(dataDir);
    Labeler labeler = new Labeler(0.3, 5);
    long versionBeforeRestart;
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(config)) {
      var infra = platform.infrastructure();
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(), infra.topics());
          LiveAccuracy accuracy = new LiveAccuracy(infra.kafka(), infra.topics())) {
        ScenarioSimulator simulator = new ScenarioSimulator(ScenarioSimulator.Options.defaults(Scenario.STATIONARY, 5)
            .withAgents(true, false, false).withVocabulary(120).withHeldOut(0.2), labeler, sink,
            infra.topics().interactions.name(), infra.topics().preferences.name());
        Thread follower = new Thread(accuracy, "live-accuracy");
        follower.start();
        for (int round = 0; round < 2500; round++) {
          simulator.round(0);
        }
        sink.flush();

        Await.until("a model version published after training on most examples", Duration.ofSeconds(180),
            () -> platform.trainerStatus().liveMetrics().getOrDefault("examples_trained", 0.0) >= 1500);
        long live = platform.trainerStatus().liveVersion();
        // The newest version scores what arrives after it and rescores the last 1,000 interactions of each task: of
        // about 500 held-out pairs, the ones both of whose answers it has scored are a share that depends on when it
        // landed in the backlog.
        Await.until("held-out pairs scored by v" + live, Duration.ofSeconds(60), () -> {
          LiveAccuracy.Measurement m = accuracy.measure(simulator.heldOutPairs(), labeler);
          return m.modelVersion() >= live && m.pairs() >= 200;
        });

        LiveAccuracy.Measurement measured = accuracy.measure(simulator.heldOutPairs(), labeler);
        assertThat(measured.trueOrderAccuracy())
            .as("held-out pairs ordered like the hidden reward: %s", measured).isGreaterThan(0.7);
        assertThat(platform.trainerStatus().failure()).isNull();
        assertThat(platform.featureJobStatus()).isEqualTo(JobStatus.RUNNING);
        accuracy.close();
        follower.join(10_000);
      }
      Score fresh = scoreOfANewInteraction(platform, "after-training");
      assertThat(fresh.getModelVersion()).isGreaterThanOrEqualTo(1);
      assertScoringApiAgreesWithTheTopic(platform, fresh);
      versionBeforeRestart = platform.trainerStatus().liveVersion();
    }

    try (EmbeddedPlatform restarted = EmbeddedPlatform.start(config)) {
      assertThat(restarted.restoredCheckpoint()).as("feature job restored from its last checkpoint").isPresent();
      List<ModelUpdate> updates = TopicIO.readUntil(restarted.infrastructure().bootstrapServers(),
          restarted.infrastructure().topics().modelUpdates, Duration.ofSeconds(10),
          read -> read.stream().anyMatch(u -> u.getVersion() == versionBeforeRestart));
      assertThat(updates).extracting(ModelUpdate::getVersion).contains(versionBeforeRestart);

      Score afterRestart = scoreOfANewInteraction(restarted, "after-restart");
      assertThat(afterRestart.getModelVersion()).as("the scorer serves the version it had before the restart")
          .isGreaterThanOrEqualTo(versionBeforeRestart);
    }
  }

  private static Score scoreOfANewInteraction(EmbeddedPlatform platform, String id) {
    var infra = platform.infrastructure();
    try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
      TopicIO.send(producer, infra.topics().interactions, id, Interaction.newBuilder().setInteractionId(id)
          .setAgentId("probe").setPolicyVersion("p1").setEventTime(Instant.now()).setPrompt("how do i test")
          .setResponse("carefully and often").build());
    }
    List<Score> scores = TopicIO.readUntil(infra.bootstrapServers(), infra.topics().scores, Duration.ofSeconds(60),
        read -> read.stream().anyMatch(s -> s.getInteractionId().equals(id) && s.getModelVersion() > 0));
    return scores.stream().filter(s -> s.getInteractionId().equals(id)).reduce((a, b) -> b).orElseThrow(
        () -> new AssertionError("no score for " + id));
  }

  /** The scoring API serves the same live version and gives the same reward as the {@code scores} topic. */
  private static void assertScoringApiAgreesWithTheTopic(EmbeddedPlatform platform, Score fromTopic) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> health = client.send(
        HttpRequest.newBuilder(URI.create(platform.scorerHttpUrl() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    HttpResponse<String> scored = client.send(HttpRequest.newBuilder(URI.create(platform.scorerHttpUrl() + "/v1/score"))
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"prompt\": \"how do i test\", \"response\": \"carefully and often\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(scored.statusCode()).as(scored.body()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(scored.body());
    assertThat(body.get("model_version").asLong()).isGreaterThanOrEqualTo(fromTopic.getModelVersion());
    if (body.get("model_version").asLong() == fromTopic.getModelVersion()) {
      assertThat((float) body.get("raw_reward").asDouble()).isEqualTo((float) fromTopic.getRawReward());
    }
  }

}
