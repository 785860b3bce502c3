package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer as its own process, killed with SIGKILL while examples are flowing, then started again: it resumes from
 * its checkpoint, never publishes a version number twice, and in the end has trained on every non-holdout example
 * exactly once (the count the last version reports), none skipped, none counted twice.
 */
class TrainerCrashRecoveryTest {

  @TempDir Path dir;

  @Test
  void shouldResumeAfterKillNineWithoutSkippingOrRecountingExamples() throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"));
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
      Topics topics = infra.topics();
      List<TrainingExample> examples = LearnableExamples.of("crash-", 3_000, 4);
      LearnableExamples.send(producer, topics, examples.subList(0, 1_000));

      Process first = trainer(infra);
      awaitVersion(infra, topics, 1);
      long trainedBefore = LearnableExamples.latestPublished(infra, topics).getExamplesTrained();
      LearnableExamples.send(producer, topics, examples.subList(1_000, 2_000));
      // Killed once it has published from the second thousand: mid-stream, with offsets committed past the first.
      Await.until("a version trained on the second thousand", Duration.ofSeconds(90),
          () -> LearnableExamples.latestPublished(infra, topics),
          update -> update.getExamplesTrained() > trainedBefore);
      first.destroyForcibly().waitFor();
      long versionAtKill = LearnableExamples.latestPublished(infra, topics).getVersion();

      LearnableExamples.send(producer, topics, examples.subList(2_000, 3_000));
      Process second = trainer(infra);
      try {
        long expected = LearnableExamples.trainable(examples, dir);
        ModelUpdate last = Await.until("a version trained on every example", Duration.ofSeconds(120),
            () -> LearnableExamples.latestPublished(infra, topics), update -> update.getExamplesTrained() >= expected);

        assertThat(last.getExamplesTrained()).as("every non-holdout example trained exactly once").isEqualTo(expected);
        assertThat(last.getVersion()).isGreaterThan(versionAtKill);
        List<ModelUpdate> all =
            TopicIO.readAll(infra.bootstrapServers(), topics.modelUpdates, Duration.ofSeconds(5));
        assertThat(all).extracting(ModelUpdate::getVersion).doesNotHaveDuplicates().isSorted();
        assertThat(all).extracting(ModelUpdate::getExamplesTrained).isSorted();
      } finally {
        second.destroy();
        second.waitFor();
      }
    }
  }

  private Process trainer(EmbeddedInfrastructure infra) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-Drewardctl.log.file=" + dir.resolve("trainer.log"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RewardCtl.class.getName());
    command.addAll(List.of("trainer", "--bootstrap-servers", infra.bootstrapServers(), "--schema-registry",
        infra.registryUrl(), "--artifact-dir", dir.resolve("artifacts").toString(), "--publish-interval-ms", "300"));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("trainer-process.log").toFile()).start();
  }

  private static void awaitVersion(EmbeddedInfrastructure infra, Topics topics, long version) {
    List<ModelUpdate> updates = TopicIO.readUntil(infra.bootstrapServers(), topics.modelUpdates,
        Duration.ofSeconds(90), read -> read.stream().anyMatch(u -> u.getVersion() >= version));
    assertThat(updates).as("trainer published v%d", version).anyMatch(u -> u.getVersion() >= version);
  }

}
