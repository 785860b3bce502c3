package dev.rewardstream.ops;

import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.runtime.EmbeddedPlatform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.PreferenceSide;
import dev.rewardstream.schema.Score;
import dev.rewardstream.serde.TopicIO;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interactions that arrive before any model version exists, far more than the rescoring window holds, each get a
 * score once the first version is live: the scorer waits for it before consuming.
 */
class ScoreBeforeFirstVersionTest {

  private static final int EARLY = 10_000;

  @TempDir Path dataDir;

  @Test
  void shouldScoreEveryInteractionThatArrivedBeforeTheFirstModelVersion() throws Exception {
    PlatformConfig config = PlatformConfig.onFreePorts(dataDir);
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(config);
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(platform.infrastructure().bootstrapServers())) {
      var infra = platform.infrastructure();
      // Given 10,000 interactions and no preference yet
      for (int i = 0; i < EARLY; i++) {
        TopicIO.send(producer, infra.topics().interactions, "early-" + i, interaction(i));
      }
      producer.flush();
      assertThat(platform.scorerStatus()).isEqualTo("waiting for the first model version");

      // When preferences arrive and the trainer publishes its first version
      for (int p = 0; p < 200; p++) {
        int a = 2 * p;
        int b = 2 * p + 1;
        TopicIO.send(producer, infra.topics().preferences, "pref-" + p, Preference.newBuilder()
            .setPreferenceId("pref-" + p).setEventTime(Instant.now())
            .setA(PreferenceSide.newBuilder().setInteractionId("early-" + a).build())
            .setB(PreferenceSide.newBuilder().setInteractionId("early-" + b).build())
            .setOutcome(a % 3 == 0 ? PreferenceOutcome.A : PreferenceOutcome.B).setSource(LabelSource.HUMAN)
            .build());
      }
      producer.flush();

      // Then every one of them gets a score, counted by id
      Set<String> expected = IntStream.range(0, EARLY).mapToObj(i -> "early-" + i).collect(Collectors.toSet());
      List<Score> scores = TopicIO.readUntil(infra.bootstrapServers(), infra.topics().scores, Duration.ofSeconds(180),
          read -> read.stream().map(Score::getInteractionId).collect(Collectors.toSet()).containsAll(expected));
      Set<String> scored = scores.stream().map(Score::getInteractionId).collect(Collectors.toCollection(HashSet::new));
      Set<String> missing = new HashSet<>(expected);
      missing.removeAll(scored);
      assertThat(missing).as("interactions without a score (%d of %d)", missing.size(), EARLY).isEmpty();
      assertThat(scores).allMatch(s -> s.getModelVersion() >= 1);
      assertThat(platform.scorerStatus()).isEqualTo("RUNNING");
    }
  }

  private static Interaction interaction(int i) {
    return Interaction.newBuilder().setInteractionId("early-" + i).setAgentId("agent-" + i % 4)
        .setPolicyVersion("p1").setEventTime(Instant.now()).setPrompt("how do i do thing " + i % 50 + "?")
        .setResponse(i % 3 == 0 ? "carefully and kindly, step by step" : "no idea, figure it out").build();
  }
}
