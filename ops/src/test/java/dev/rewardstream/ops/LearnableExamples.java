package dev.rewardstream.ops;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Pairwise training examples whose preferred side has more "good" words than "bad" ones: learnable, so the trainer's
 * candidates pass its gate. For the tests that run the trainer on a real broker.
 */
final class LearnableExamples {

  private static final List<String> GOOD = List.of("helpful", "clear", "accurate", "kind");
  private static final List<String> BAD = List.of("rude", "wrong", "vague", "lazy");

  private LearnableExamples() {}

  static List<TrainingExample> of(String idPrefix, int n, long seed) {
    Featurizer featurizer = new Featurizer(FeatureSpec.DEFAULT);
    Random random = new Random(seed);
    List<TrainingExample> out = new ArrayList<>();
    while (out.size() < n) {
      String a = response(random);
      String b = response(random);
      int diff = value(a) - value(b);
      if (diff == 0) {
        continue;
      }
      out.add(TrainingExample.newBuilder().setExampleId(idPrefix + out.size()).setKind(ExampleKind.PAIRWISE)
          .setFeatureSpec(FeatureSpec.DEFAULT.fingerprint())
          .setA(List.of(featurizer.featurizeText("q", a))).setB(List.of(featurizer.featurizeText("q", b)))
          .setTarget(diff > 0 ? 1f : 0f).setSource(LabelSource.SYNTHETIC).setEventTime(Instant.now())
          .setProducedAt(Instant.now()).build());
    }
    return out;
  }

  static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, List<TrainingExample> examples) {
    for (TrainingExample example : examples) {
      TopicIO.send(producer, topics.trainingExamples, example.getExampleId(), example);
    }
    producer.flush();
  }

  /** How many of {@code examples} the trainer trains on: all but its holdout share. */
  static long trainable(List<TrainingExample> examples, Path anyDir) {
    int holdoutPercent = TrainerConfig.defaults(KafkaConnection.plaintext("unused:0"), anyDir).holdoutPercent();
    return examples.stream().filter(e -> !TrainerService.isHoldout(e.getExampleId(), holdoutPercent)).count();
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

  /** The newest version on {@code model-updates} (committed ones only), or null before the first. */
  static ModelUpdate latestPublished(EmbeddedInfrastructure infra, Topics topics) {
    return latestPublished(infra.bootstrapServers(), topics);
  }

  static ModelUpdate latestPublished(String bootstrapServers, Topics topics) {
    List<ModelUpdate> updates = TopicIO.readAll(bootstrapServers, topics.modelUpdates, Duration.ofSeconds(10));
    return updates.isEmpty() ? null : updates.get(updates.size() - 1);
  }
}
