package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainerService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer as its own process, killed with SIGKILL while examples are flowing, then started again: it resumes from
 * its checkpoint, never publishes a version number twice, and in the end has trained on every non-holdout example
 * exactly once (the count the last version reports), none skipped, none counted twice.
 */
class TrainerCrashRecoveryTest {

  private static final List<String> GOOD = List.of("helpful", "clear", "accurate", "kind");
  private static final List<String> BAD = List.of("rude", "wrong", "vague", "lazy");

  @TempDir Path dir;

  @Test
  void shouldResumeAfterKillNineWithoutSkippingOrRecountingExamples() throws Exception {
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"));
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
      Topics topics = infra.topics();
      List<TrainingExample> examples = examples(3_000);
      send(producer, topics, examples.subList(0, 1_000));

      Process first = trainer(infra);
      awaitVersion(infra, topics, 1);
      send(producer, topics, examples.subList(1_000, 2_000));
      Thread.sleep(300); // let it take some of them in, then kill it mid-stream
      first.destroyForcibly().waitFor();
      long versionAtKill = latest(infra, topics).getVersion();

      send(producer, topics, examples.subList(2_000, 3_000));
      Process second = trainer(infra);
      try {
        long expected = examples.stream()
            .filter(e -> !TrainerService.isHoldout(e.getExampleId(), TrainerConfig.defaults("", dir).holdoutPercent()))
            .count();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        ModelUpdate last = latest(infra, topics);
        while (last.getExamplesTrained() < expected && System.nanoTime() < deadline) {
          Thread.sleep(500);
          last = latest(infra, topics);
        }

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

  private static ModelUpdate latest(EmbeddedInfrastructure infra, Topics topics) {
    List<ModelUpdate> updates =
        TopicIO.readAll(infra.bootstrapServers(), topics.modelUpdates, Duration.ofSeconds(10));
    return updates.get(updates.size() - 1);
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, List<TrainingExample> examples) {
    for (TrainingExample example : examples) {
      TopicIO.send(producer, topics.trainingExamples, example.getExampleId(), example);
    }
    producer.flush();
  }

  /** Pairs whose preferred side has more "good" words than "bad" ones: learnable, so candidates pass the gate. */
  private static List<TrainingExample> examples(int n) {
    Featurizer featurizer = new Featurizer(FeatureSpec.DEFAULT);
    Random random = new Random(4);
    List<TrainingExample> out = new ArrayList<>();
    while (out.size() < n) {
      String a = response(random);
      String b = response(random);
      int diff = value(a) - value(b);
      if (diff == 0) {
        continue;
      }
      out.add(TrainingExample.newBuilder().setExampleId("crash-" + out.size()).setKind(ExampleKind.PAIRWISE)
          .setFeatureSpec(FeatureSpec.DEFAULT.fingerprint())
          .setA(List.of(featurizer.featurizeText("q", a))).setB(List.of(featurizer.featurizeText("q", b)))
          .setTarget(diff > 0 ? 1f : 0f).setSource(LabelSource.SYNTHETIC).setEventTime(Instant.now())
          .setProducedAt(Instant.now()).build());
    }
    return out;
  }

  private static String response(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      List<String> from = random.nextBoolean() ? GOOD : BAD;
      text.append(from.get(random.nextInt(from.size()))).append(' ');
    }
    return text.toString();
  }

  private static int value(String response) {
    int v = 0;
    for (String word : response.split(" ")) {
      v += GOOD.contains(word) ? 1 : BAD.contains(word) ? -1 : 0;
    }
    return v;
  }
}
