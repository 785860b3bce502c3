package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.Await;
import dev.rewardstream.trainer.TrainerService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code rewardctl trainer} processes for one model, as a user runs an active trainer and a standby: one learns,
 * the other waits. The active one is stalled with SIGSTOP past its session (a long pause, a frozen VM): the standby
 * takes over; the stalled one, woken with SIGCONT, publishes nothing and waits. Then the new active one is killed with
 * SIGKILL: the woken one takes over again. In the end the versions on {@code model-updates} have trained on every
 * example exactly once, and no version number was published twice: a trainer killed with SIGKILL loses nothing,
 * whichever instance resumes from its checkpoint.
 */
class TrainerStandbyTest {

  @TempDir Path dir;

  @Test
  void shouldHandTheModelToTheStandbyWhenTheActiveTrainerStallsOrDiesAndNeverPublishFromAStalledOne()
      throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"));
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
      Topics topics = infra.topics();
      String group = TrainerService.groupId(topics, "reward");
      List<TrainingExample> examples = LearnableExamples.of("standby-", 3_000, 6);
      LearnableExamples.send(producer, topics, examples.subList(0, 1_000));

      // Given an active trainer, and a standby that joined after it
      Process first = trainer(infra, "first");
      Process second = null;
      try {
        Await.until("the first trainer published v1", Duration.ofSeconds(90),
            () -> LearnableExamples.latestPublished(infra, topics),
            update -> update != null && update.getVersion() >= 1);
        second = trainer(infra, "second");
        Await.until("both trainers in the group, one holding the input", Duration.ofSeconds(60),
            () -> group(admin, group), members -> members.size() == 2
                && members.stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count() == 1);
        long trainedByFirst = LearnableExamples.latestPublished(infra, topics).getExamplesTrained();

        // When the active one stalls past its session while examples keep coming
        signal(first, "STOP");
        LearnableExamples.send(producer, topics, examples.subList(1_000, 2_000));

        // Then the standby takes over and publishes what came since
        Await.until("a version from the standby", Duration.ofSeconds(90),
            () -> LearnableExamples.latestPublished(infra, topics),
            update -> update.getExamplesTrained() > trainedByFirst);
        // And the stalled one, woken, finds its turn over and waits
        signal(first, "CONT");
        Await.until("the woken trainer knows its turn is over", Duration.ofSeconds(60),
            () -> log("first").contains("no longer learns model 'reward'"));

        // When the active one dies, the woken one takes its turn again
        second.destroyForcibly().waitFor();
        LearnableExamples.send(producer, topics, examples.subList(2_000, 3_000));
        long expected = LearnableExamples.trainable(examples, dir);
        ModelUpdate last = Await.until("a version trained on every example", Duration.ofSeconds(120),
            () -> LearnableExamples.latestPublished(infra, topics), update -> update.getExamplesTrained() >= expected);

        assertThat(last.getExamplesTrained()).as("every non-holdout example trained exactly once").isEqualTo(expected);
        List<ModelUpdate> all = TopicIO.readAll(infra.bootstrapServers(), topics.modelUpdates, Duration.ofSeconds(5));
        assertThat(all).extracting(ModelUpdate::getVersion).doesNotHaveDuplicates().isSorted();
        assertThat(all).extracting(ModelUpdate::getExamplesTrained).isSorted();
        assertThat(log("first")).contains("now learns and publishes model 'reward'");
        assertThat(log("second")).contains("now learns and publishes model 'reward'");
      } finally {
        signal(first, "CONT");
        first.destroy();
        first.waitFor();
        if (second != null) {
          second.destroyForcibly().waitFor();
        }
      }
    }
  }

  private Process trainer(EmbeddedInfrastructure infra, String name) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    // The log configuration users get (a file), not the test class path's console logging.
    command.add("-Dlog4j2.configurationFile=log4j2.properties");
    command.add("-Drewardctl.log.file=" + dir.resolve(name + ".log"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RewardCtl.class.getName());
    command.addAll(List.of("trainer", "--bootstrap-servers", infra.bootstrapServers(), "--schema-registry",
        infra.registryUrl(), "--artifact-dir", dir.resolve("artifacts").toString(), "--publish-interval-ms", "300",
        "--metrics-port", "0"));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + "-process.log").toFile()).start();
  }

  private String log(String name) {
    Path log = dir.resolve(name + ".log");
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** SIGSTOP and SIGCONT have no Java API; kill(1) sends them. */
  private static void signal(Process process, String signal) throws Exception {
    if (process.isAlive()) {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }
  }

  private static List<MemberDescription> group(Admin admin, String group) {
    try {
      ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      return List.copyOf(description.members());
    } catch (Exception e) {
      throw new IllegalStateException("describing group " + group, e);
    }
  }

}
