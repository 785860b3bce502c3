package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.Await;
import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer paused inside a publish while the next holder of its turn opens the model's transactional producer (here
 * the test opens it, exactly as a standby taking over does) cannot publish when it resumes: the version it was
 * publishing is committed for no one, and it joins its group again and resumes from the last version published, so in
 * the end every example is trained exactly once and no published version number repeats.
 */
class TrainerFencingTest {

  @TempDir Path dir;

  @Test
  void shouldNeverCommitAVersionOnceFencedAndResumeFromWhatWasPublished() throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"));
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
      Topics topics = infra.topics();
      TrainerConfig config = TrainerConfig.defaults(infra.kafka(), dir.resolve("artifacts"))
          .withPublishInterval(Duration.ofMillis(300));
      List<TrainingExample> examples = LearnableExamples.of("fence-", 2_000, 11);
      LearnableExamples.send(producer, topics, examples.subList(0, 1_000));

      // Given a trainer held inside the publish of its second version, its event acknowledged, not committed
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch fenced = new CountDownLatch(1);
      AtomicReference<ModelUpdate> heldUpdate = new AtomicReference<>();
      TrainerService trainer = new TrainerService(config, topics).onPublished(update -> {
        if (update.getVersion() == 2 && heldUpdate.compareAndSet(null, update)) {
          held.countDown();
          await(fenced);
        }
      });
      Thread thread = new Thread(trainer, "trainer");
      Throwable[] escaped = new Throwable[1];
      thread.setUncaughtExceptionHandler((t, error) -> escaped[0] = error);
      thread.start();
      try {
        Await.until("v1 published", Duration.ofSeconds(90), () -> LearnableExamples.latestPublished(infra, topics),
            update -> update != null && update.getVersion() >= 1);
        LearnableExamples.send(producer, topics, examples.subList(1_000, 1_500));
        assertThat(held.await(90, TimeUnit.SECONDS)).as("the publish of v2 began").isTrue();

        // When another holder opens the model's producer, and the held trainer resumes
        try (KafkaProducer<byte[], byte[]> next = TopicIO.transactionalProducer(infra.kafka(),
            TrainerService.groupId(topics, config.modelName()))) {
          next.initTransactions();
        }
        fenced.countDown();
        LearnableExamples.send(producer, topics, examples.subList(1_500, 2_000));

        // Then the held v2 is never seen; the versions published afterwards cover every example exactly once
        long expected = LearnableExamples.trainable(examples, dir);
        ModelUpdate last = Await.until("a version trained on every example", Duration.ofSeconds(120),
            () -> LearnableExamples.latestPublished(infra, topics),
            update -> update != null && update.getExamplesTrained() >= expected);
        assertThat(last.getExamplesTrained()).as("every non-holdout example trained exactly once").isEqualTo(expected);
        List<ModelUpdate> all = TopicIO.readAll(infra.bootstrapServers(), topics.modelUpdates, Duration.ofSeconds(5));
        assertThat(all).as("the fenced publish is committed for no one").doesNotContain(heldUpdate.get());
        assertThat(all).extracting(ModelUpdate::getVersion).doesNotHaveDuplicates().isSorted();
        assertThat(all).extracting(ModelUpdate::getExamplesTrained).isSorted();
        assertThat(trainer.status().active()).as("its new turn").isTrue();
        assertThat(trainer.status().failure()).isNull();
      } finally {
        trainer.close();
        fenced.countDown();
        thread.join(Duration.ofSeconds(30).toMillis());
        trainer.release();
      }
      assertThat(escaped[0]).as("nothing escaped the trainer's thread").isNull();
    }
  }


  private static void await(CountDownLatch latch) {
    try {
      latch.await(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
