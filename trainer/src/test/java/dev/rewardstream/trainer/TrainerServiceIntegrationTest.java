package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer against a real broker: publishes verified versions, resumes numbering, dead-letters bad examples. */
class TrainerServiceIntegrationTest {

  @TempDir Path dataDir;

  @Test
  void shouldPublishVersionsResumeAfterRestartAndDeadLetterForeignExamples() throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dataDir.resolve("kafka"))) {
      Topics topics = infra.topics();
      TrainerConfig config = TrainerConfig.defaults(infra.kafka(), dataDir.resolve("artifacts"))
          .withPublishInterval(Duration.ofMillis(500));
      SyntheticPreferences data = new SyntheticPreferences(config.featureSpec(), 3);
      SyntheticPreferences foreign = new SyntheticPreferences(new FeatureSpec(10, false), 3);
      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
        for (TrainingExample example : data.pairs("first-", 400)) {
          TopicIO.send(producer, topics.trainingExamples, example.getExampleId(), example);
        }
        TrainingExample wrongSpec = foreign.pairs("foreign-", 1).get(0);
        TopicIO.send(producer, topics.trainingExamples, wrongSpec.getExampleId(), wrongSpec);
        producer.flush();

        long versionBeforeRestart = runUntil(config, topics, status -> status.liveVersion() >= 1);

        List<ModelUpdate> updates = TopicIO.readUntil(infra.bootstrapServers(), topics.modelUpdates,
            Duration.ofSeconds(10), read -> read.size() >= versionBeforeRestart);
        ModelUpdate latest = updates.get(updates.size() - 1);
        assertThat(latest.getVersion()).isEqualTo(versionBeforeRestart);
        assertThat(latest.getFeatureSpec()).isEqualTo(config.featureSpec().fingerprint());
        byte[] artifact = Files.readAllBytes(Path.of(java.net.URI.create(latest.getArtifactUri())));
        assertThat(ModelArtifacts.sha256(artifact)).isEqualTo(latest.getSha256());
        assertThat(latest.getMetrics()).containsKey("examples_trained");

        List<DeadLetter> letters = TopicIO.readUntil(infra.bootstrapServers(), topics.deadLetters,
            Duration.ofSeconds(10), read -> !read.isEmpty());
        assertThat(letters).singleElement().satisfies(letter -> {
          assertThat(letter.getStage()).isEqualTo(TrainerService.STAGE);
          assertThat(letter.getErrorMessage()).contains("feature spec");
          assertThat(letter.getSourceTopic()).isEqualTo(topics.trainingExamples.name());
        });
        // And waiting for what never comes fails, saying what did come
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopicIO.readUntil(infra.bootstrapServers(),
                topics.deadLetters, Duration.ofSeconds(2), read -> read.size() >= 2))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith(topics.deadLetters.name() + ": what was awaited did not arrive within PT2S; "
                + "read 1 records, the last: [");

        for (TrainingExample example : data.pairs("second-", 200)) {
          TopicIO.send(producer, topics.trainingExamples, example.getExampleId(), example);
        }
        producer.flush();
        long versionAfterRestart = runUntil(config, topics, status -> status.liveVersion() > versionBeforeRestart);

        assertThat(versionAfterRestart).isGreaterThan(versionBeforeRestart);
        List<ModelUpdate> all = TopicIO.readUntil(infra.bootstrapServers(), topics.modelUpdates,
            Duration.ofSeconds(10), read -> read.size() >= versionAfterRestart);
        assertThat(all).extracting(ModelUpdate::getVersion).doesNotHaveDuplicates().isSorted();
      }
    }
  }

  /** Runs a trainer until its status satisfies {@code done}, then stops it; returns its live version. */
  private static long runUntil(TrainerConfig config, Topics topics,
      java.util.function.Predicate<TrainerStatus> done) throws InterruptedException {
    TrainerService service = new TrainerService(config, topics);
    Thread thread = new Thread(service, "trainer");
    thread.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    try {
      while (!done.test(service.status()) && System.nanoTime() < deadline) {
        assertThat(Optional.ofNullable(service.status().failure())).isEmpty();
        Thread.sleep(100);
      }
      assertThat(done.test(service.status())).as("trainer status %s", service.status()).isTrue();
      return service.status().liveVersion();
    } finally {
      service.close();
      thread.join(10_000);
      service.release();
    }
  }
}
