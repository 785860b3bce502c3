package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedKafka;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.platform.TopicAdmin;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.Await;
import dev.rewardstream.testing.RestartableRegistry;
import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry goes down while trainers run: the active one meets it mid-turn (its first dead letter has a
 * subject it never registered), a standby meets it when its turn begins (it has read no published version yet). Both
 * wait with the input held instead of exiting, and carry on when the registry is back on the same address.
 */
class TrainerRegistryOutageTest {

  @TempDir Path dir;

  @Test
  void shouldWaitForTheRegistryInsteadOfExitingAndTrainEveryExampleOnce() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), FreePorts.next(), FreePorts.next())) {
      String bootstrap = kafka.bootstrapServers();
      RestartableRegistry registry = RestartableRegistry.start(bootstrap);
      SerdeConfig serde = SerdeConfig.of(registry.url());
      // Each process has its own registry client and caches: the test's producer and reader, and each trainer.
      Topics topics = Topics.connect(serde);
      TopicAdmin.ensureTopics(bootstrap, topics);
      TrainerConfig config = TrainerConfig.defaults(KafkaConnection.plaintext(bootstrap), dir.resolve("artifacts"))
          .withPublishInterval(Duration.ofMillis(300));
      List<TrainingExample> examples = LearnableExamples.of("outage-", 2_000, 5);
      TrainingExample foreign = TrainingExample.newBuilder(LearnableExamples.of("foreign-", 1, 6).get(0))
          .setFeatureSpec("another-feature-spec").build();
      List<RunningTrainer> trainers = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(bootstrap)) {
        LearnableExamples.send(producer, topics, examples.subList(0, 1_000));
        RunningTrainer first = RunningTrainer.start(config, Topics.connect(serde), "first");
        trainers.add(first);
        Await.until("v1 published", Duration.ofSeconds(90), () -> LearnableExamples.latestPublished(bootstrap, topics),
            update -> update != null && update.getVersion() >= 1);
        RunningTrainer standby = RunningTrainer.start(config, Topics.connect(serde), "standby");
        trainers.add(standby);
        Thread.sleep(1_000);
        assertThat(standby.service.status().active()).as("the standby waits").isFalse();

        // When the registry goes down and the active trainer meets a record it needs the registry for
        registry.stop();
        LearnableExamples.send(producer, topics, List.of(foreign));
        LearnableExamples.send(producer, topics, examples.subList(1_000, 1_400));
        // Then it ends its turn, keeps its input and stays up
        Await.until("the active trainer waits for the registry", Duration.ofSeconds(60),
            () -> !first.service.status().active());
        Thread.sleep(1_000);
        first.assertAlive();
        standby.assertAlive();
        assertThat(standby.service.status().active()).as("the input stays with the waiting trainer").isFalse();

        // And once the registry is back it begins again from the published state
        registry.restart();
        Await.until("the first trainer's turn again", Duration.ofSeconds(60), () -> first.service.status().active());
        List<DeadLetter> letters = TopicIO.readUntil(bootstrap, topics.deadLetters, Duration.ofSeconds(60),
            read -> !read.isEmpty());
        assertThat(letters).singleElement().satisfies(letter ->
            assertThat(letter.getErrorMessage()).contains("feature spec"));

        // When the registry goes down again and the active trainer stops: the standby's turn begins in the outage
        registry.stop();
        first.stop();
        LearnableExamples.send(producer, topics, examples.subList(1_400, 2_000));
        // (the standby is given the input at once, since the stopped trainer left the group)
        Thread.sleep(5_000);
        standby.assertAlive();
        assertThat(standby.service.status().active()).as("no turn without the published state").isFalse();

        // Then it begins once the registry is back, and every example is trained exactly once
        registry.restart();
        long expected = LearnableExamples.trainable(examples, dir);
        ModelUpdate last = Await.until("a version trained on every example", Duration.ofSeconds(120),
            () -> LearnableExamples.latestPublished(bootstrap, topics),
            update -> update != null && update.getExamplesTrained() >= expected);
        assertThat(last.getExamplesTrained()).as("every non-holdout example trained exactly once").isEqualTo(expected);
        assertThat(standby.service.status().active()).isTrue();
        List<ModelUpdate> all = TopicIO.readAll(bootstrap, topics.modelUpdates, Duration.ofSeconds(5));
        assertThat(all).extracting(ModelUpdate::getVersion).doesNotHaveDuplicates().isSorted();
        assertThat(TopicIO.readAll(bootstrap, topics.deadLetters, Duration.ofSeconds(5))).hasSize(1);
      } finally {
        for (RunningTrainer trainer : trainers) {
          trainer.stop();
        }
        registry.stop();
      }
      for (RunningTrainer trainer : trainers) {
        assertThat(trainer.escaped).as("nothing escaped %s", trainer.thread.getName()).isNull();
      }
    }
  }

  private static final class RunningTrainer {
    final TrainerService service;
    final Thread thread;
    volatile Throwable escaped;
    private boolean stopped;

    private RunningTrainer(TrainerService service, Thread thread) {
      this.service = service;
      this.thread = thread;
    }

    static RunningTrainer start(TrainerConfig config, Topics topics, String name) {
      TrainerService service = new TrainerService(config, topics);
      Thread thread = new Thread(service, "trainer-" + name);
      RunningTrainer running = new RunningTrainer(service, thread);
      thread.setUncaughtExceptionHandler((t, error) -> running.escaped = error);
      thread.start();
      return running;
    }

    void assertAlive() {
      assertThat(service.status().failure()).as("%s failed", thread.getName()).isNull();
      assertThat(thread.isAlive()).as("%s runs", thread.getName()).isTrue();
    }

    void stop() throws InterruptedException {
      if (stopped) {
        return;
      }
      stopped = true;
      service.close();
      thread.join(Duration.ofSeconds(30).toMillis());
      service.release();
    }
  }
}
