package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.testing.Await;
import dev.rewardstream.testing.EmbeddedKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewardctl dashboard} as its own process against a running cluster: it serves the state of what is on the
 * topics (a dead letter produced after it started shows by stage, with its reason), its metrics endpoint answers, and
 * SIGTERM ends it with status 0.
 */
class DashboardCommandTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir Path dir;

  @Test
  void shouldServeWhatIsOnTheTopicsAndStopCleanly() throws Exception {
    var infra = KAFKA.infra();
    infra.topics(); // the topics exist once the infrastructure is up
    RewardCtlProcess dashboard = RewardCtlProcess.start(dir, "dashboard", "--bootstrap-servers",
        infra.bootstrapServers(), "--schema-registry", infra.registryUrl(), "--port", "0", "--metrics-port", "0");
    assertThat(dashboard.awaitConsole("Ctrl-C stops", Duration.ofSeconds(60))).as(dashboard.console()).isTrue();
    Matcher urls = Pattern.compile("dashboard: (http://\\S+), .* metrics on (http://\\S+);").matcher(dashboard.console());
    assertThat(urls.find()).as(dashboard.console()).isTrue();

    try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
      DeadLetter letter = DeadLetters.of("test/stage", "interactions", 0, 7, null,
          "garbage".getBytes(StandardCharsets.UTF_8), new IllegalArgumentException("not a record"));
      TopicIO.send(producer, infra.topics().deadLetters, DeadLetters.keyOf(letter), letter);
      producer.flush();
    }
    HttpClient http = HttpClient.newHttpClient();
    JsonNode state = Await.until("the dead letter on the dashboard", Duration.ofSeconds(30),
        () -> get(http, urls.group(1) + "/api/state"), s -> s != null && s.path("deadLetters").size() == 1);
    assertThat(state.at("/deadLetters/0/stage").asText()).isEqualTo("test/stage");
    assertThat(state.at("/deadLetters/0/lastReason").asText()).contains("not a record");
    assertThat(state.at("/deadLetters/0/lastOrigin").asText()).isEqualTo("interactions/0@7");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(urls.group(2))).build(),
        HttpResponse.BodyHandlers.ofString()).body()).contains("jvm_memory_used_bytes");

    assertThat(dashboard.terminate(Duration.ofSeconds(30))).isZero();
    assertThat(dashboard.console()).doesNotContain("Exception");
  }

  private static JsonNode get(HttpClient http, String url) {
    try {
      return new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      return null;
    }
  }
}
