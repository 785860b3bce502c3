package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Score;
import dev.rewardstream.security.SecurityMaterial;
import dev.rewardstream.serde.ClientConfigFile;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rewardctl up --secure} as a user runs it, and clients that connect with nothing but the client files it
 * writes: the loop runs, and every way in without the right credentials is refused with the right error.
 */
class SecurePlatformTest {

  private static final Pattern URL = Pattern.compile("(https?://127\\.0\\.0\\.1:\\d+)");

  @TempDir Path dir;

  @Test
  void shouldRunTheLoopForThePrincipalsItsClientFilesNameAndRefuseEveryoneElse() throws Exception {
    Path data = dir.resolve("data");
    int kafkaPort = FreePorts.next();
    RewardCtlProcess up = RewardCtlProcess.start(dir.resolve("up"), "up", "--secure", "--data-dir", data.toString(),
        "--kafka-port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(FreePorts.next()),
        "--registry-port", "0", "--scorer-http-port", "0", "--dashboard-port", "0", "--metrics-port", "-1",
        "--flink-metrics-port", "-1");
    int exit;
    try {
      assertThat(up.awaitConsole("Ctrl-C stops everything", Duration.ofSeconds(150))).as(up.console()).isTrue();
      String banner = up.console();
      assertThat(banner).contains("scorer           waiting for the first model version");
      Path security = data.resolve("security");
      assertThat(banner).contains(security.toAbsolutePath().resolve("client-PRINCIPAL.properties").toString())
          .contains("api-token");
      String registry = endpoint(banner, "schema registry");
      String api = endpoint(banner, "scoring API");
      String dashboard = endpoint(banner, "dashboard");
      assertThat(List.of(registry, api, dashboard)).allMatch(url -> url.startsWith("https://"));
      String token = Files.readString(security.resolve("api-token")).trim();
      SecurityMaterial tls = SecurityMaterial.ensure(security, List.of());
      HttpClient https = HttpClient.newBuilder().sslContext(tls.clientContext()).build();

      // The loop: agents publish with the producer's file, the platform trains, scores and serves
      Path producerFile = security.resolve("client-producer.properties");
      StringWriter simulated = new StringWriter();
      int simulate = new CommandLine(new RewardCtl()).setOut(new PrintWriter(simulated)).setErr(
          new PrintWriter(simulated)).execute("simulate", "--kafka-config", producerFile.toString(), "--agents", "text",
          "--rate", "40", "--duration-s", "6");
      assertThat(simulate).as(simulated.toString()).isZero();
      ClientConfigFile dashboardFile = ClientConfigFile.load(security.resolve("client-dashboard.properties"));
      KafkaConnection reader = dashboardFile.kafka(dashboardFile.bootstrapServers().orElseThrow());
      Topics topics = Topics.connect(dashboardFile.applyTo(
          dev.rewardstream.serde.SerdeConfig.of(dashboardFile.registryUrl().orElseThrow())));
      TopicIO.readUntil(reader, topics.modelUpdates, Duration.ofSeconds(120), read -> !read.isEmpty());
      List<Score> scores = TopicIO.readUntil(reader, topics.scores, Duration.ofSeconds(120),
          read -> read.stream().anyMatch(score -> score.getModelVersion() > 0));
      assertThat(scores).isNotEmpty();
      HttpResponse<String> model = https.send(HttpRequest.newBuilder(URI.create(api + "/v1/model"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(model.statusCode()).as(model.body()).isEqualTo(200);
      assertThat(https.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/state"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
      // The alerts principal follows drift-alerts with its own file
      StringWriter alerts = new StringWriter();
      assertThat(new CommandLine(new RewardCtl()).setOut(new PrintWriter(alerts)).setErr(new PrintWriter(alerts))
          .execute("alerts", "--kafka-config", security.resolve("client-alerts.properties").toString(),
              "--timeout-s", "3")).as(alerts.toString()).isZero();

      // Refused: a client without credentials, a wrong password, plaintext on the TLS port
      Map<String, String> producer = settings(producerFile);
      String bootstrap = "127.0.0.1:" + kafkaPort;
      Map<String, String> noLogin = new java.util.HashMap<>(producer);
      noLogin.remove("sasl.jaas.config");
      assertThatThrownBy(() -> describeCluster(new KafkaConnection(bootstrap, noLogin)))
          .hasStackTraceContaining("JAAS");
      Map<String, String> wrongPassword = new java.util.HashMap<>(producer);
      wrongPassword.put("sasl.jaas.config", producer.get("sasl.jaas.config")
          .replaceFirst("password=\"[^\"]*\"", "password=\"not-the-password\""));
      assertThatThrownBy(() -> describeCluster(new KafkaConnection(bootstrap, wrongPassword)))
          .hasRootCauseInstanceOf(SaslAuthenticationException.class)
          .hasStackTraceContaining("invalid credentials");
      assertThatThrownBy(() -> describeCluster(KafkaConnection.plaintext(bootstrap)))
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);

      // Refused: the producer principal publishing a model version
      try (KafkaProducer<byte[], byte[]> intruder = TopicIO.producer(new KafkaConnection(bootstrap, producer))) {
        assertThatThrownBy(() -> intruder.send(new ProducerRecord<>(topics.modelUpdates.name(), new byte[] {1},
            new byte[] {0})).get()).hasCauseInstanceOf(TopicAuthorizationException.class);
      }

      // Refused: an anonymous schema registration, and a registration by a principal that only reads
      String schema = "{\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}";
      HttpRequest.Builder register = HttpRequest.newBuilder(URI.create(registry + "/subjects/intruder-value/versions"))
          .header("Content-Type", "application/vnd.schemaregistry.v1+json")
          .POST(HttpRequest.BodyPublishers.ofString(schema));
      assertThat(https.send(register.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      String dashboardUser = dashboardFile.registrySettings().get("basic.auth.user.info");
      HttpResponse<String> byReader = https.send(register.header("Authorization", "Basic "
          + java.util.Base64.getEncoder().encodeToString(dashboardUser.getBytes())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(byReader.statusCode()).as(byReader.body()).isEqualTo(403);
      assertThat(byReader.body()).contains("40301");

      // Refused: scoring without the token or with a wrong one; the dashboard the same; health stays open
      HttpRequest rank = HttpRequest.newBuilder(URI.create(api + "/v1/model")).build();
      assertThat(https.send(rank, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      assertThat(https.send(HttpRequest.newBuilder(URI.create(api + "/v1/model"))
          .header("Authorization", "Bearer wrong").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
      assertThat(https.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/state")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      assertThat(https.send(HttpRequest.newBuilder(URI.create(api + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(200, 503);
      // Plain HTTP on the HTTPS port gets no answer it could use
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          api.replace("https://", "http://") + "/v1/model")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    } finally {
      exit = up.terminate(Duration.ofSeconds(60));
    }
    assertThat(exit).as(up.console()).isZero();

    // No secret reached the console or the log
    List<String> secrets = secrets(data);
    assertThat(secrets).hasSize(9);
    String written = up.console() + Files.readString(dir.resolve("up/rewardctl.log"));
    assertThat(secrets).allSatisfy(secret -> assertThat(written).doesNotContain(secret));

    // Rotation: the producer's password and the API token, applied by the next start
    Map<String, String> oldProducer = settings(data.resolve("security/client-producer.properties"));
    String oldToken = Files.readString(data.resolve("security/api-token")).trim();
    StringWriter rotated = new StringWriter();
    assertThat(new CommandLine(new RewardCtl()).setOut(new PrintWriter(rotated)).execute("rotate", "--data-dir",
        data.toString(), "--principal", "producer", "--api-token")).as(rotated.toString()).isZero();
    assertThat(secrets).allSatisfy(secret -> assertThat(rotated.toString()).doesNotContain(secret));
    // (started as a user's shell starts it: no log location given, so the log goes to the data directory)
    RewardCtlProcess again = RewardCtlProcess.startWithDefaultLog(dir.resolve("again"), Map.of("HOME",
        dir.resolve("home").toString()), "up", "--secure", "--data-dir", data.toString(), "--kafka-port",
        String.valueOf(kafkaPort), "--controller-port", String.valueOf(FreePorts.next()), "--registry-port", "0",
        "--scorer-http-port", "0", "--dashboard-port", "-1", "--metrics-port", "-1", "--flink-metrics-port", "-1");
    int againExit;
    try {
      assertThat(again.awaitConsole("Ctrl-C stops everything", Duration.ofSeconds(150))).as(again.console()).isTrue();
      String bootstrap = "127.0.0.1:" + kafkaPort;
      assertThatThrownBy(() -> describeCluster(new KafkaConnection(bootstrap, oldProducer)))
          .as("the old password").hasRootCauseInstanceOf(SaslAuthenticationException.class);
      describeCluster(new KafkaConnection(bootstrap, settings(data.resolve("security/client-producer.properties"))));
      String api = endpoint(again.console(), "scoring API");
      HttpClient https = HttpClient.newBuilder().sslContext(SecurityMaterial.ensure(data.resolve("security"),
          List.of()).clientContext()).build();
      assertThat(https.send(HttpRequest.newBuilder(URI.create(api + "/v1/model"))
          .header("Authorization", "Bearer " + oldToken).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .as("the old token").isEqualTo(401);
      String token = Files.readString(data.resolve("security/api-token")).trim();
      assertThat(https.send(HttpRequest.newBuilder(URI.create(api + "/v1/model"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .as("the new token: the version trained before the restart is served").isEqualTo(200);
      assertThat(again.console()).contains("logs             " + data.toAbsolutePath().resolve("logs/rewardctl.log"));
      assertThat(data.resolve("logs/rewardctl.log")).content().contains("platform");
    } finally {
      againExit = again.terminate(Duration.ofSeconds(90));
    }
    // SIGTERM stops everything with status 0 and nothing on the console but the platform's own lines, and the
    // directory it was started from holds nothing but the console this test captured
    assertThat(againExit).as(again.console()).isZero();
    assertThat(again.console()).endsWith("stopping...\nstopped\n").doesNotContain("Exception").doesNotContain("\tat ");
    try (var files = Files.list(dir.resolve("again"))) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("console");
    }
  }

  private static List<String> secrets(Path data) throws Exception {
    Properties credentials = new Properties();
    try (var in = Files.newBufferedReader(data.resolve("security/credentials.properties"))) {
      credentials.load(in);
    }
    List<String> secrets = new ArrayList<>();
    credentials.stringPropertyNames().forEach(name -> secrets.add(credentials.getProperty(name)));
    secrets.add(Files.readString(data.resolve("security/api-token")).trim());
    return secrets;
  }

  private static String endpoint(String banner, String name) {
    String line = banner.lines().filter(l -> l.trim().startsWith(name)).findFirst().orElseThrow();
    Matcher url = URL.matcher(line);
    assertThat(url.find()).as(line).isTrue();
    return url.group(1);
  }

  private static Map<String, String> settings(Path file) {
    return ClientConfigFile.load(file).kafkaSettings();
  }

  private static void describeCluster(KafkaConnection connection) throws Exception {
    Properties props = connection.properties();
    props.put("default.api.timeout.ms", "8000");
    props.put("request.timeout.ms", "4000");
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(8000)).clusterId().get();
    } catch (ExecutionException e) {
      throw new KafkaException(e.getCause());
    }
  }
}
