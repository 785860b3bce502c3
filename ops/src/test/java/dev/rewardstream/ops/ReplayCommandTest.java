package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.testing.EmbeddedKafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rewardctl replay}: the rejects file beside the input holds this replay's malformed lines, and only them. */
class ReplayCommandTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
  @TempDir Path files;

  private static final String GOOD = "{\"type\":\"interaction\",\"interaction_id\":\"rc-%d\",\"agent_id\":\"ag\","
      + "\"policy_version\":\"p1\",\"event_time\":1,\"prompt\":\"hi\",\"response\":\"hello\"}";

  @Test
  void shouldWriteARejectsFileOnlyWhenALineIsRejected() throws Exception {
    Path log = files.resolve("log.jsonl");
    Path rejects = files.resolve("log.jsonl.rejects");
    Files.write(log, List.of(String.format(GOOD, 1), "{\"type\":\"interaction\", oops"), StandardCharsets.UTF_8);

    assertThat(replay(log)).contains("1 interactions and 0 preferences stored; 1 malformed lines skipped (see "
        + rejects + ")");
    assertThat(Files.readAllLines(rejects)).singleElement().asString().startsWith("2\t");

    // A clean replay of the same name leaves no rejects file, not an empty one, nor the last replay's.
    Files.write(log, List.of(String.format(GOOD, 2)), StandardCharsets.UTF_8);
    assertThat(replay(log)).contains("1 interactions and 0 preferences stored; 0 malformed lines skipped\n");
    assertThat(rejects).doesNotExist();
  }

  private static String replay(Path log) {
    EmbeddedInfrastructure infra = KAFKA.infra();
    StringWriter out = new StringWriter();
    int exit = new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out)).execute("--bootstrap-servers",
        infra.bootstrapServers(), "--schema-registry", infra.registryUrl(), log.toString());
    assertThat(exit).as(out.toString()).isZero();
    return out.toString();
  }
}
