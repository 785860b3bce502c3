package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainerService;
import dev.rewardstream.trainer.TrainerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer asked to stop while a publish is in flight (its model-update event out, its offsets not yet committed)
 * finishes that publish and stops without an error; restarted, it continues the version numbering and in the end has
 * trained on every non-holdout example exactly once.
 */
class TrainerStopDuringPublishTest {

  @TempDir Path dir;

  @Test
  void shouldCompleteAPublishInFlightAtStopAndResumeWithoutReusingVersionsOrLosingExamples() throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"));
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
      Topics topics = infra.topics();
      TrainerConfig config = TrainerConfig.defaults(infra.kafka(), dir.resolve("artifacts"))
          .withPublishInterval(Duration.ofMillis(300));
      List<TrainingExample> examples = LearnableExamples.of("stop-", 2_000, 9);
      LearnableExamples.send(producer, topics, examples.subList(0, 1_000));

      // Given a trainer held inside the publish of its first version
      CountDownLatch publishing = new CountDownLatch(1);
      CountDownLatch stopAsked = new CountDownLatch(1);
      TrainerService first = new TrainerService(config, topics).onPublished(update -> {
        publishing.countDown();
        await(stopAsked);
      });
      Thread firstThread = new Thread(first, "trainer-1");
      Throwable[] escaped = new Throwable[1];
      firstThread.setUncaughtExceptionHandler((thread, error) -> escaped[0] = error);
      firstThread.start();
      assertThat(publishing.await(90, TimeUnit.SECONDS)).as("a publish began").isTrue();

      // When it is asked to stop there, and lets the publish go on
      first.close();
      stopAsked.countDown();
      firstThread.join(Duration.ofSeconds(30).toMillis());

      // Then it has stopped without an error, the publish completed
      TrainerStatus stopped = first.status();
      first.release();
      assertThat(firstThread.isAlive()).isFalse();
      assertThat(escaped[0]).as("nothing escaped the trainer's thread").isNull();
      assertThat(stopped.failure()).isNull();
      long versionAtStop = LearnableExamples.latestPublished(infra, topics).getVersion();
      assertThat(versionAtStop).isEqualTo(stopped.liveVersion()).isPositive();

      // And restarted, with more examples, it resumes: new versions only, every example trained once
      LearnableExamples.send(producer, topics, examples.subList(1_000, 2_000));
      TrainerService second = new TrainerService(config, topics);
      Thread secondThread = new Thread(second, "trainer-2");
      secondThread.start();
      try {
        long expected = LearnableExamples.trainable(examples, dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        ModelUpdate last = LearnableExamples.latestPublished(infra, topics);
        while (last.getExamplesTrained() < expected && System.nanoTime() < deadline) {
          Thread.sleep(300);
          last = LearnableExamples.latestPublished(infra, topics);
        }
        assertThat(last.getExamplesTrained()).as("every non-holdout example trained exactly once")
            .isEqualTo(expected);
        assertThat(last.getVersion()).isGreaterThan(versionAtStop);
        assertThat(second.status().rejectedCandidates()).as("a learner improving on learnable labels is not refused")
            .isZero();
        List<ModelUpdate> all = TopicIO.readAll(infra.bootstrapServers(), topics.modelUpdates, Duration.ofSeconds(5));
        assertThat(all).extracting(ModelUpdate::getVersion).doesNotHaveDuplicates().isSorted();
        assertThat(all).extracting(ModelUpdate::getExamplesTrained).isSorted();
      } finally {
        second.close();
        secondThread.join(Duration.ofSeconds(30).toMillis());
        second.release();
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
