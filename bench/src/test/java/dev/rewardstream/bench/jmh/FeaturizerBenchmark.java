package dev.rewardstream.bench.jmh;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.SparseFeatures;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Featurizer throughput on one thread (interactions/s per core), for a chat-sized interaction (a ~20-word prompt and
 * a response of {@code responseWords} words, like the HH-RLHF data) and for a numeric control step.
 * Run: {@code mvn -B -DskipTests install}, then {@code mvn -B -pl bench test-compile exec:exec@jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class FeaturizerBenchmark {

  @Param({"60", "250"})
  int responseWords;

  private final Featurizer words = new Featurizer(FeatureSpec.DEFAULT);
  private final Featurizer wordsAndChars = new Featurizer(new FeatureSpec(14, true, 3));
  private Interaction chat;
  private Interaction control;

  @Setup
  public void setUp() {
    Random random = new Random(1);
    String[] vocabulary = new String[2000];
    for (int i = 0; i < vocabulary.length; i++) {
      vocabulary[i] = Integer.toString(i * 7919, 36);
    }
    chat = Interaction.newBuilder().setInteractionId("i").setAgentId("a").setPolicyVersion("p")
        .setEventTime(Instant.EPOCH).setPrompt(text(random, vocabulary, 20))
        .setResponse(text(random, vocabulary, responseWords)).build();
    control = Interaction.newBuilder().setInteractionId("s").setAgentId("a").setPolicyVersion("p")
        .setEventTime(Instant.EPOCH).setState(java.util.List.of(0.1f, -0.3f, 0.7f, 1.2f))
        .setAction(java.util.List.of(1f)).build();
  }

  private static String text(Random random, String[] vocabulary, int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      text.append(vocabulary[random.nextInt(vocabulary.length)]).append(i % 12 == 11 ? ". " : " ");
    }
    return text.toString();
  }

  @Benchmark
  public SparseFeatures chatWords() {
    return words.featurize(chat);
  }

  @Benchmark
  public SparseFeatures chatWordsAndCharTrigrams() {
    return wordsAndChars.featurize(chat);
  }

  @Benchmark
  public SparseFeatures controlStep() {
    return words.featurize(control);
  }
}
