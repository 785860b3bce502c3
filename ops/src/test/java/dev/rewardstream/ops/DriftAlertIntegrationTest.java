package dev.rewardstream.ops;

import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.runtime.EmbeddedPlatform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.TextWorld;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.drift.DriftService;
import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.testing.ConsumerGroups;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the embedded platform, with a trained model held fixed: a policy that starts optimizing against the reward
 * half-way through (best of 16 answers) moves its score distribution and raises a drift alert for its scope; a
 * stationary policy streamed over the same length raises none.
 */
class DriftAlertIntegrationTest {

  private static final int PER_POLICY = 3_000;

  @TempDir Path dataDir;

  @Test
  void shouldAlertOnADriftingPolicyAndStayQuietOnAStationaryOne() throws Exception {
    PlatformConfig config = PlatformConfig.onFreePorts(dataDir);
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(config)) {
      var infra = platform.infrastructure();
      TextWorld world;
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(), infra.topics())) {
        ScenarioSimulator labels = new ScenarioSimulator(ScenarioSimulator.Options.defaults(Scenario.STATIONARY, 9)
            .withAgents(true, false, false).withVocabulary(120), new Labeler(0.3, 9), sink,
            infra.topics().interactions.name(), infra.topics().preferences.name());
        for (int round = 0; round < 1_000; round++) {
          labels.round(0);
        }
        sink.flush();
        world = labels.textWorld();
      }
      awaitModelThatStopsChanging(platform);

      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
        for (int i = 0; i < PER_POLICY; i++) {
          boolean drifted = i >= PER_POLICY / 2;
          send(producer, platform, "stationary-" + i, "stationary", world.prompt(), world.response());
          send(producer, platform, "drifting-" + i, "drifting", world.prompt(),
              drifted ? optimizedResponse(world) : world.response());
        }
      }
      TopicIO.readUntil(infra.bootstrapServers(), infra.topics().scores, Duration.ofSeconds(120),
          read -> read.stream().filter(s -> !s.getRescore() && (s.getInteractionId().startsWith("drifting-")
              || s.getInteractionId().startsWith("stationary-"))).count() >= 2L * PER_POLICY);
      List<DriftAlert> alerts = TopicIO.readUntil(infra.bootstrapServers(), infra.topics().driftAlerts,
          Duration.ofSeconds(60), read -> read.stream().anyMatch(a -> a.getScope().contains("policy=drifting")));
      // Anything the stationary scope would raise is visible once the monitor has consumed every score.
      ConsumerGroups.awaitCaughtUp(infra.bootstrapServers(), DriftService.APPLICATION_ID, infra.topics().scores.name(),
          Duration.ofSeconds(60));
      alerts = TopicIO.readAll(infra.bootstrapServers(), infra.topics().driftAlerts, Duration.ofSeconds(5));

      assertThat(alerts).filteredOn(a -> a.getScope().contains("policy=drifting"))
          .as("the drifting policy raised an alert").anyMatch(a -> a.getStatus() == AlertStatus.RAISED);
      assertThat(alerts).filteredOn(a -> a.getScope().contains("policy=stationary"))
          .as("the stationary policy stayed quiet").isEmpty();
    }
  }

  /** The policy after optimization against the reward: its best answer of 16 by the (hidden) true reward. */
  private static String optimizedResponse(TextWorld world) {
    String best = world.response();
    for (int k = 1; k < 16; k++) {
      String candidate = world.response();
      if (world.trueReward(candidate) > world.trueReward(best)) {
        best = candidate;
      }
    }
    return best;
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, EmbeddedPlatform platform, String id, String policy,
      String prompt, String response) {
    TopicIO.send(producer, platform.infrastructure().topics().interactions, id, Interaction.newBuilder()
        .setInteractionId(id).setAgentId(policy + "-agent").setPolicyVersion(policy).setEventTime(Instant.now())
        .setPrompt(prompt).setResponse(response).build());
  }

  /** A model is live and no new version has landed for a few seconds: no labels are coming any more. */
  private static void awaitModelThatStopsChanging(EmbeddedPlatform platform) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long version = -1;
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = platform.liveScorerVersion();
      if (now != version) {
        version = now;
        stableSince = System.nanoTime();
      } else if (version >= 1 && System.nanoTime() - stableSince > Duration.ofSeconds(6).toNanos()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no stable model version within 120 s (live v" + version + ")");
  }
}
