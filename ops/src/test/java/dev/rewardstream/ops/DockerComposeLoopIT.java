package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Score;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import java.io.File;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same loop as {@link RewardLoopIntegrationTest}, on docker-compose.yml: Kafka, Confluent Schema Registry, a Flink
 * cluster running the job jar, trainer and scorer containers. Skipped where no Docker engine runs; the embedded
 * platform test covers the same behaviour everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeLoopIT {

  private static final String BOOTSTRAP = "127.0.0.1:9092";
  private static final String REGISTRY = "http://127.0.0.1:8081";

  @Container
  static final ComposeContainer COMPOSE = new ComposeContainer(new File("../docker-compose.yml"))
      .waitingFor("schema-registry", Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(5)))
      // The banner 'rewardctl scorer' prints once its applications have started (scoring itself waits for a version).
      .waitingFor("scorer", Wait.forLogMessage("scorer: .* Ctrl-C stops\\n", 1)
          .withStartupTimeout(Duration.ofMinutes(5)));

  @Test
  void shouldTrainAndScoreOnRealServices() {
    Topics topics = Topics.connect(SerdeConfig.of(REGISTRY));
    try (KafkaRecordSink sink = new KafkaRecordSink(KafkaConnection.plaintext(BOOTSTRAP), topics)) {
      ScenarioSimulator simulator = new ScenarioSimulator(ScenarioSimulator.Options.defaults(Scenario.STATIONARY, 5)
          .withAgents(true, false, false).withVocabulary(120).withHeldOut(0.2), new Labeler(0.3, 5), sink,
          topics.interactions.name(), topics.preferences.name());
      for (int round = 0; round < 1500; round++) {
        simulator.round(0);
      }
      sink.flush();
    }
    List<ModelUpdate> updates = TopicIO.readUntil(BOOTSTRAP, topics.modelUpdates, Duration.ofMinutes(5),
        read -> read.stream().anyMatch(u -> u.getVersion() >= 2));
    assertThat(updates).extracting(ModelUpdate::getVersion).contains(2L);
    List<Score> scores = TopicIO.readUntil(BOOTSTRAP, topics.scores, Duration.ofMinutes(2),
        read -> read.stream().anyMatch(s -> s.getModelVersion() >= 2));
    assertThat(scores).extracting(Score::getModelVersion).anyMatch(v -> v >= 2);
  }
}
