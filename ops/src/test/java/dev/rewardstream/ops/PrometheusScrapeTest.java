package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus}) scrapes the embedded platform's two endpoints, the services'
 * and Flink's reporter, as an operator's would: every target is up, and the examples the trainer learned are there to
 * query. The exposition itself is checked by name first, so a missing metric fails with its name.
 */
class PrometheusScrapeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void shouldBeScrapedByARealPrometheusWithEveryTargetUpAndExamplesTrained() throws Exception {
    Path prometheus = onPath("prometheus");
    Assumptions.assumeTrue(prometheus != null, "skipped: no 'prometheus' binary on PATH (Debian: apt-get install "
        + "prometheus; .ci/run installs it)");
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformConfig.onFreePorts(dir.resolve("data")))) {
      var infra = platform.infrastructure();
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(), infra.topics())) {
        ScenarioSimulator labels = new ScenarioSimulator(ScenarioSimulator.Options.defaults(Scenario.STATIONARY, 3)
            .withAgents(true, false, false), new Labeler(0.5, 3), sink, infra.topics().interactions.name(),
            infra.topics().preferences.name());
        for (int round = 0; round < 300; round++) {
          labels.round(0);
        }
        sink.flush();
      }
      Await.until("a model version published", Duration.ofSeconds(120),
          () -> platform.trainerStatus().liveVersion() > 0);
      String services = platform.metricsUrl().orElseThrow();
      String flink = platform.flinkMetricsUrl().orElseThrow();

      // The drift monitor's gauges appear once it has scored observations: waited for, by name.
      List<String> expected = List.of("rewardstream_trainer_examples_trained_total",
          "rewardstream_trainer_holdout_accuracy", "rewardstream_trainer_loss",
          "rewardstream_scorer_records_scored_total", "rewardstream_scorer_model_version",
          "rewardstream_freshness_seconds_bucket", "rewardstream_drift_statistic",
          "kafka_consumer_fetch_manager_records_lag_max", "jvm_memory_used_bytes");
      Await.until("every metric exposed (the list shows the missing ones)", Duration.ofSeconds(60),
          () -> expected.stream().filter(name -> !getQuietly(services).contains(name)).toList(), List::isEmpty);
      assertThat(get(flink)).contains("flink_taskmanager_job_task_operator_numRecordsIn");
      // A record that is not Avro: the feature job dead-letters it and counts it by stage.
      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
        producer.send(new ProducerRecord<>(infra.topics().interactions.name(), "junk".getBytes(StandardCharsets.UTF_8),
            "{not avro}".getBytes(StandardCharsets.UTF_8)));
      }
      Await.until("the feature job's dead letter counted by stage", Duration.ofSeconds(60),
          () -> getQuietly(flink).lines().filter(line -> line.contains("rewardstream_dead_letters")
              && line.contains("stage=") && !line.startsWith("#")).toList(), lines -> !lines.isEmpty());

      int port = FreePorts.next();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, String.join("\n",
          "global:",
          "  scrape_interval: 1s",
          "scrape_configs:",
          "  - job_name: rewardstream",
          "    static_configs:",
          "      - targets: ['" + hostPort(services) + "']",
          "  - job_name: flink",
          "    static_configs:",
          "      - targets: ['" + hostPort(flink) + "']",
          ""));
      Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      try {
        String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
        Await.until("both targets up in Prometheus", Duration.ofSeconds(60), () -> values(api, "up"),
            up -> up.size() == 2 && up.stream().allMatch(v -> v == 1.0));
        List<Double> trained = Await.until("examples trained queryable", Duration.ofSeconds(30),
            () -> values(api, "rewardstream_trainer_examples_trained_total"), v -> !v.isEmpty());
        assertThat(trained.get(0)).isPositive();
      } finally {
        server.destroy(); // SIGTERM: Prometheus shuts down cleanly on it
        server.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static List<Double> values(String api, String query) {
    try {
      JsonNode result = JSON.readTree(get(api + URLEncoder.encode(query, StandardCharsets.UTF_8)))
          .path("data").path("result");
      List<Double> values = new ArrayList<>();
      result.forEach(series -> values.add(Double.parseDouble(series.path("value").get(1).asText())));
      return values;
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String get(String url) throws IOException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String getQuietly(String url) {
    try {
      return get(url);
    } catch (IOException e) {
      return "";
    }
  }

  private static String hostPort(String url) {
    URI uri = URI.create(url);
    return uri.getHost() + ":" + uri.getPort();
  }

  private static Path onPath(String binary) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(entry, binary);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
