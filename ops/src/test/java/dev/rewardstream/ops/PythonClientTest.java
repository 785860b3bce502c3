package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.serde.TopicIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client in another language: {@code examples/python/label_stream.py} (confluent-kafka's Avro producer, the
 * project's .avsc files, the scoring API over HTTP) publishes answers and preferences from a world of its own to the
 * embedded platform and measures the served version. Every label it sent is learned, nothing is dead-lettered, and
 * the served model orders never-labelled pairs as well as the textbook online learner the script runs beside it.
 */
class PythonClientTest {

  private static final Path SCRIPT = Path.of("../examples/python/label_stream.py");
  private static final String MODULES = "import confluent_kafka.avro, avro.schema";

  @TempDir Path dataDir;
  @TempDir Path logs;

  @Test
  void shouldLearnFromEveryLabelAPythonProducerSends() throws Exception {
    Optional<String> python = pythonWithKafka();
    Assumptions.assumeTrue(python.isPresent(), "skipped: needs a python3 with confluent-kafka 1.x and avro "
        + "(Debian: python3-confluent-kafka python3-avro; .ci/run installs them with apt-get where it can)");
    Path console = logs.resolve("label_stream.out");
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformConfig.onFreePorts(dataDir))) {
      var infra = platform.infrastructure();
      Process process = new ProcessBuilder(python.get(), SCRIPT.toString(), "--bootstrap", infra.bootstrapServers(),
          "--registry", infra.registryUrl(), "--scoring-api", platform.scorerHttpUrl(), "--labels", "600,1500",
          "--seed", "5", "--timeout-s", "180")
          .redirectErrorStream(true).redirectOutput(console.toFile()).start();
      boolean ended = process.waitFor(300, TimeUnit.SECONDS);
      if (!ended) {
        process.destroyForcibly();
      }
      String output = Files.readString(console);
      assertThat(ended).as("the script ends:%n%s", output).isTrue();
      assertThat(process.exitValue()).as(output).isZero();

      List<JsonNode> checkpoints = new ArrayList<>();
      for (String line : output.lines().filter(l -> l.startsWith("{")).toList()) {
        checkpoints.add(new ObjectMapper().readTree(line));
      }
      assertThat(checkpoints).as(output).hasSize(2);
      for (JsonNode checkpoint : checkpoints) {
        assertThat(checkpoint.get("examples_trained").asLong()).as(output)
            .isEqualTo(checkpoint.get("labels").asLong());
        // 500 fresh pairs: a sampling sd of about 1.5 points for each learner.
        assertThat(checkpoint.get("fresh_accuracy").asDouble()).as(output)
            .isGreaterThanOrEqualTo(checkpoint.get("anchor_fresh_accuracy").asDouble() - 0.05);
      }
      JsonNode last = checkpoints.get(1);
      assertThat(last.get("fresh_accuracy").asDouble()).as(output).isGreaterThan(0.8);
      assertThat(last.get("seen_accuracy").asDouble() - last.get("fresh_accuracy").asDouble()).as(output)
          .isLessThan(0.05);
      List<DeadLetter> letters = TopicIO.readAll(infra.bootstrapServers(), infra.topics().deadLetters,
          Duration.ofSeconds(30));
      assertThat(letters).isEmpty();
    }
  }

  /** The first of python3 on the PATH and Debian's own that imports the client's modules. */
  private static Optional<String> pythonWithKafka() {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process probe = new ProcessBuilder(candidate, "-c", MODULES).redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
          return Optional.of(candidate);
        }
      } catch (IOException | InterruptedException e) {
        // not this one
      }
    }
    return Optional.empty();
  }
}
