package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.rewardstream.alerts.WebhookSink;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Severity;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.testing.EmbeddedKafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code rewardctl alerts} on a real broker, printing and delivering to a local webhook. */
class AlertsCommandTest {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
  private static EmbeddedInfrastructure infra;
  private static KafkaProducer<byte[], byte[]> producer;
  private HttpServer webhook;

  /** A produced alert: its bytes on the topic and where it landed. */
  private record Produced(DriftAlert alert, byte[] raw, RecordMetadata at) {}

  @BeforeAll
  static void startProducer() {
    infra = KAFKA.infra();
    producer = TopicIO.producer(infra.bootstrapServers());
  }

  @AfterAll
  static void stopProducer() {
    producer.close();
  }

  @AfterEach
  void stopWebhook() {
    if (webhook != null) {
      webhook.stop(0);
    }
  }

  @Test
  void shouldPrintOnlyAlertsPassingSeverityDetectorAndScopeFilters() throws Exception {
    // Given: matching alerts interleaved with ones each filter must drop
    produce("psi", "policy=v3", Severity.INFO, AlertStatus.RAISED, "too mild");
    Produced first = produce("psi", "policy=v3/agent=a", Severity.WARNING, AlertStatus.RAISED, "scores moved");
    produce("ks", "policy=v3", Severity.CRITICAL, AlertStatus.RAISED, "other detector");
    produce("psi", "policy=v4", Severity.CRITICAL, AlertStatus.RAISED, "other policy");
    Produced second = produce("psi", "policy=v3", Severity.CRITICAL, AlertStatus.RESOLVED, "back to normal");

    // When
    String out = run("--severity", "warning", "--detector", "psi", "--scope", "policy=v3", "--max", "2");

    // Then
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith(first.alert().getTime().toString())
        .contains("WARNING", "RAISED", "psi", "policy=v3/agent=a", "0.2500 vs threshold 0.1000", "scores moved");
    assertThat(lines.get(1)).contains("CRITICAL", "RESOLVED", "back to normal")
        .startsWith(second.alert().getTime().toString());
  }

  @Test
  void shouldDeliverOnceAfterRetryingAFailingWebhook() throws Exception {
    // Given: a webhook that fails twice, then takes the alert
    List<String> accepted = new CopyOnWriteArrayList<>();
    AtomicInteger requests = new AtomicInteger();
    String url = startWebhook(body -> requests.incrementAndGet() <= 2 ? 500 : accept(accepted, body));
    Produced produced = produce("webhook-retry", "policy=v7", Severity.CRITICAL, AlertStatus.RAISED, "retry me");

    // When
    String out = run("--detector", "webhook-retry", "--max", "1", "--webhook", url, "--group", "hook-retry",
        "--webhook-backoff-ms", "20");

    // Then
    assertThat(requests.get()).isEqualTo(3);
    assertThat(accepted).hasSize(1);
    JsonNode delivered = JSON.readTree(accepted.get(0));
    assertThat(delivered.get("alert_id").asText()).isEqualTo(produced.alert().getAlertId());
    assertThat(delivered.get("severity").asText()).isEqualTo("CRITICAL");
    assertThat(delivered.get("scope").asText()).isEqualTo("policy=v7");
    assertThat(out).contains("1 alerts matched, 1 delivered", "0 dead-lettered");
    assertThat(committed("hook-retry")).isEqualTo(produced.at().offset() + 1);
  }

  @Test
  void shouldDeadLetterAnAlertTheWebhookNeverTakesAndMoveOn() throws Exception {
    // Given: a webhook that always fails
    AtomicInteger requests = new AtomicInteger();
    String url = startWebhook(body -> counted(requests, 503));
    Produced produced = produce("webhook-down", "policy=v8", Severity.WARNING, AlertStatus.RAISED, "nobody home");

    // When
    String out = run("--detector", "webhook-down", "--max", "1", "--webhook", url, "--group", "hook-down",
        "--webhook-attempts", "3", "--webhook-backoff-ms", "20");

    // Then
    assertThat(requests.get()).isEqualTo(3);
    assertThat(out).contains("not delivered, dead-lettered", "1 dead-lettered");
    DeadLetter letter = deadLetterFrom(produced);
    assertThat(letter.getStage()).isEqualTo(WebhookSink.STAGE);
    assertThat(letter.getSourceTopic()).isEqualTo(infra.topics().driftAlerts.name());
    assertThat(letter.getSourcePartition()).isEqualTo(produced.at().partition());
    assertThat(letter.getErrorClass()).endsWith("WebhookDeliveryException");
    assertThat(letter.getErrorMessage()).contains("HTTP 503", "after 3 attempt(s)", produced.alert().getAlertId());
    assertThat(letter.getRawValue()).isEqualTo(ByteBuffer.wrap(produced.raw()));
    assertThat(committed("hook-down")).isEqualTo(produced.at().offset() + 1);
  }

  @Test
  void shouldDeadLetterAtOnceWhenTheWebhookRefusesTheAlertWith4xx() throws Exception {
    // Given
    AtomicInteger requests = new AtomicInteger();
    String url = startWebhook(body -> counted(requests, 400));
    Produced produced = produce("webhook-refuses", "policy=v9", Severity.WARNING, AlertStatus.RAISED, "bad shape");

    // When
    run("--detector", "webhook-refuses", "--max", "1", "--webhook", url, "--group", "hook-refuses",
        "--webhook-backoff-ms", "20");

    // Then
    assertThat(requests.get()).isEqualTo(1);
    assertThat(deadLetterFrom(produced).getErrorMessage()).contains("HTTP 400");
  }

  @Test
  void shouldDeliverOnlyWarningsAndAboveToAWebhookUnlessAskedForMore() throws Exception {
    // Given: a rescore report (INFO) and a warning on one scope
    List<String> accepted = new CopyOnWriteArrayList<>();
    String url = startWebhook(body -> accept(accepted, body));
    produce("rescore-summary", "severity-default", Severity.INFO, AlertStatus.REPORT, "v3 rescored 100 outputs");
    Produced warning = produce("adwin", "severity-default", Severity.WARNING, AlertStatus.RAISED, "mean moved");

    // When: a webhook with the default severity
    String out = run("--scope", "severity-default", "--max", "1", "--webhook", url, "--group", "hook-default");

    // Then: the report is neither printed nor delivered
    assertThat(accepted).hasSize(1);
    assertThat(JSON.readTree(accepted.get(0)).get("alert_id").asText()).isEqualTo(warning.alert().getAlertId());
    assertThat(out).doesNotContain("rescored 100 outputs");

    // When: asked for INFO too, with a group of its own that starts at the beginning
    accepted.clear();
    run("--scope", "severity-default", "--max", "2", "--webhook", url, "--group", "hook-info", "--severity", "INFO",
        "--burst-window-s", "0");

    // Then
    assertThat(accepted).hasSize(2);
    assertThat(JSON.readTree(accepted.get(0)).get("status").asText()).isEqualTo("REPORT");
  }

  @Test
  void shouldGroupABurstOfDetectorsOnOneScopeIntoOneNotification() throws Exception {
    // Given: three detectors raise on one scope, one on another scope, and one resolves on the first
    List<String> accepted = new CopyOnWriteArrayList<>();
    String url = startWebhook(body -> accept(accepted, body));
    produce("adwin", "burst-a", Severity.WARNING, AlertStatus.RAISED, "mean moved");
    produce("ks", "burst-a", Severity.WARNING, AlertStatus.RAISED, "distribution moved");
    produce("overoptimization", "burst-a", Severity.CRITICAL, AlertStatus.RAISED, "reward hacked");
    produce("adwin", "burst-b", Severity.WARNING, AlertStatus.RAISED, "elsewhere");
    Produced last = produce("psi", "burst-a", Severity.WARNING, AlertStatus.RESOLVED, "calm again");

    // When
    String out = run("--scope", "burst-", "--max", "5", "--webhook", url, "--group", "hook-burst");

    // Then: one notification per scope and status, each alert in it, offsets committed past them all
    assertThat(accepted).hasSize(3);
    JsonNode burst = accepted.stream().map(AlertsCommandTest::json)
        .filter(n -> n.get("scope").asText().equals("burst-a") && n.get("status").asText().equals("RAISED"))
        .findFirst().orElseThrow();
    assertThat(burst.get("alert_id").asText()).startsWith("group:");
    assertThat(burst.get("severity").asText()).isEqualTo("CRITICAL");
    assertThat(burst.get("detector").asText().split(",")).containsExactlyInAnyOrder("adwin", "ks",
        "overoptimization");
    assertThat(burst.get("alerts")).hasSize(3);
    assertThat(burst.get("message").asText()).contains("3 detectors RAISED on burst-a", "mean moved",
        "distribution moved", "reward hacked");
    assertThat(out).contains("5 alerts matched, 5 delivered", "delivered as one notification: 3 alerts on burst-a");
    assertThat(committed("hook-burst")).isEqualTo(last.at().offset() + 1);
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String run(String... args) {
    StringWriter buffer = new StringWriter();
    List<String> all = new java.util.ArrayList<>(List.of("--bootstrap-servers", infra.bootstrapServers(),
        "--schema-registry", infra.registryUrl(), "--timeout-s", "60"));
    all.addAll(List.of(args));
    int exit = new CommandLine(new AlertsCommand()).setOut(new PrintWriter(buffer)).execute(all.toArray(String[]::new));
    assertThat(exit).as(buffer.toString()).isZero();
    return buffer.toString();
  }

  private Produced produce(String detector, String scope, Severity severity, AlertStatus status, String message)
      throws Exception {
    DriftAlert alert = DriftAlert.newBuilder().setAlertId(UUID.randomUUID().toString()).setDetector(detector)
        .setScope(scope).setStatus(status).setSeverity(severity).setStatistic(0.25).setThreshold(0.1)
        .setReferenceWindow("events 0-999").setCurrentWindow("events 1000-1999").setMessage(message)
        .setTime(T0.plusSeconds(UUID.randomUUID().hashCode() & 0xffff)).build();
    byte[] raw = infra.topics().driftAlerts.encode(alert);
    RecordMetadata at = producer.send(new ProducerRecord<>(infra.topics().driftAlerts.name(),
        (detector + "/" + scope).getBytes(StandardCharsets.UTF_8), raw)).get();
    return new Produced(alert, raw, at);
  }

  private interface Responder {
    int status(String body);
  }

  private static int counted(AtomicInteger requests, int status) {
    requests.incrementAndGet();
    return status;
  }

  private static int accept(List<String> accepted, String body) {
    accepted.add(body);
    return 204;
  }

  private String startWebhook(Responder responder) throws Exception {
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/hook", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(responder.status(body), -1);
      }
    });
    webhook.start();
    return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook";
  }

  private DeadLetter deadLetterFrom(Produced produced) {
    List<DeadLetter> letters = TopicIO.readUntil(infra.bootstrapServers(), infra.topics().deadLetters,
        Duration.ofSeconds(30), read -> read.stream().anyMatch(l -> l.getSourceOffset() == produced.at().offset()));
    return letters.stream().filter(l -> l.getSourceOffset() == produced.at().offset()).findFirst().orElseThrow();
  }

  private long committed(String group) {
    TopicPartition partition = new TopicPartition(infra.topics().driftAlerts.name(), 0);
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(infra.bootstrapServers(), group)) {
      OffsetAndMetadata offset = consumer.committed(Set.of(partition)).get(partition);
      return offset == null ? -1 : offset.offset();
    }
  }
}
