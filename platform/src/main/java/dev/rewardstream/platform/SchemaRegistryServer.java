package dev.rewardstream.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking the Confluent REST API (the subset Confluent's client and serializers use: register,
 * lookup, schema by id, subjects and versions, compatibility checks, config), for Avro schemas.
 *
 * <p>Like Confluent's, it keeps its state in a compacted Kafka topic and rebuilds it from there at start, so ids
 * survive a restart and stay the ids already written into records. It is a single writer: run one per broker
 * (the embedded platform does); production deployments use Confluent Schema Registry itself.
 */
public final class SchemaRegistryServer implements AutoCloseable {

  public static final String DEFAULT_TOPIC = "_rewardstream-schemas";
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer http;
  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final Object lock = new Object();
  private final TreeMap<Integer, String> schemaById = new TreeMap<>();
  private final Map<String, TreeMap<Integer, Integer>> idByVersionBySubject = new TreeMap<>();
  private final Map<String, String> compatibilityBySubject = new TreeMap<>();
  private String globalCompatibility = "BACKWARD";

  private SchemaRegistryServer(HttpServer http, KafkaProducer<String, String> producer, String topic) {
    this.http = http;
    this.producer = producer;
    this.topic = topic;
  }

  /** Starts on {@code host:port} (port 0 picks one) with its state in {@code topic} of the given cluster. */
  public static SchemaRegistryServer start(String bootstrapServers, String topic, String host, int port)
      throws IOException {
    TopicAdmin.ensure(bootstrapServers, List.of(new NewTopic(topic, 1, (short) 1)
        .configs(Map.of("cleanup.policy", "compact"))));
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    SchemaRegistryServer server = new SchemaRegistryServer(http, producer, topic);
    server.restore(bootstrapServers);
    http.createContext("/", server::handle);
    http.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "schema-registry-http");
      t.setDaemon(true);
      return t;
    }));
    http.start();
    LOG.info("schema registry on {} ({} schemas restored from {})", server.url(), server.schemaById.size(), topic);
    return server;
  }

  public String url() {
    return "http://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    producer.close(Duration.ofSeconds(5));
  }

  // ---------------------------------------------------------------- state, durable in the topic

  private void restore(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          apply(record.key(), record.value());
        }
      }
    }
  }

  /** Applies one log entry: "schema/<subject>/<version>" → registration, "config[/<subject>]" → compatibility. */
  private void apply(String key, String value) {
    if (value == null) {
      return;
    }
    try {
      JsonNode node = JSON.readTree(value);
      if (key.startsWith("schema/")) {
        int id = node.get("id").asInt();
        schemaById.put(id, node.get("schema").asText());
        idByVersionBySubject.computeIfAbsent(node.get("subject").asText(), s -> new TreeMap<>())
            .put(node.get("version").asInt(), id);
      } else if (key.equals("config")) {
        globalCompatibility = node.get("compatibilityLevel").asText();
      } else if (key.startsWith("config/")) {
        compatibilityBySubject.put(key.substring("config/".length()), node.get("compatibilityLevel").asText());
      }
    } catch (IOException e) {
      throw new IllegalStateException("corrupt schema log entry " + key, e);
    }
  }

  private void append(String key, ObjectNode value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value.toString()))
          .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the schema log", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write the schema log: " + e.getMessage(), e);
    }
    apply(key, value.toString());
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      List<String> path = segments(exchange.getRequestURI().getRawPath());
      try {
        Object response = route(method, path, exchange.getRequestBody());
        send(exchange, 200, JSON.writeValueAsBytes(response));
      } catch (RegistryError e) {
        ObjectNode error = JSON.createObjectNode().put("error_code", e.code).put("message", e.getMessage());
        send(exchange, e.httpStatus(), JSON.writeValueAsBytes(error));
      } catch (RuntimeException e) {
        LOG.warn("schema registry request {} {} failed", method, path, e);
        ObjectNode error = JSON.createObjectNode().put("error_code", 50001).put("message", e.toString());
        send(exchange, 500, JSON.writeValueAsBytes(error));
      }
    }
  }

  private Object route(String method, List<String> p, InputStream body) throws IOException {
    int n = p.size();
    if (n == 0) {
      return JSON.createObjectNode();
    }
    switch (p.get(0)) {
      case "subjects":
        if (n == 1 && method.equals("GET")) {
          return subjects();
        }
        if (n == 2 && method.equals("POST")) {
          return lookup(p.get(1), readSchema(body));
        }
        if (n == 3 && p.get(2).equals("versions") && method.equals("POST")) {
          return JSON.createObjectNode().put("id", register(p.get(1), readSchema(body)));
        }
        if (n == 3 && p.get(2).equals("versions") && method.equals("GET")) {
          return versions(p.get(1));
        }
        if (n >= 4 && p.get(2).equals("versions") && method.equals("GET")) {
          ObjectNode version = version(p.get(1), p.get(3));
          return n == 5 && p.get(4).equals("schema") ? JSON.readTree(version.get("schema").asText()) : version;
        }
        break;
      case "schemas":
        if (n == 3 && p.get(1).equals("ids") && method.equals("GET")) {
          return schemaById(parseInt(p.get(2), 40403));
        }
        if (n == 4 && p.get(1).equals("ids") && p.get(3).equals("versions") && method.equals("GET")) {
          return versionsOfId(parseInt(p.get(2), 40403));
        }
        if (n == 2 && p.get(1).equals("types")) {
          return List.of("AVRO");
        }
        break;
      case "compatibility":
        if (n == 5 && p.get(1).equals("subjects") && p.get(3).equals("versions") && method.equals("POST")) {
          List<String> problems = compatibilityProblems(p.get(2), p.get(4), readSchema(body));
          ObjectNode result = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
          ArrayNode messages = result.putArray("messages");
          problems.forEach(messages::add);
          return result;
        }
        break;
      case "config":
        if (method.equals("GET")) {
          String level = n == 2 ? compatibilityBySubject.getOrDefault(p.get(1), globalCompatibility)
              : globalCompatibility;
          return JSON.createObjectNode().put("compatibilityLevel", level);
        }
        if (method.equals("PUT")) {
          String level = JSON.readTree(body).path("compatibility").asText();
          if (!List.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE").contains(level)) {
            throw new RegistryError(42203, "unsupported compatibility level '" + level
                + "' (this registry supports NONE, BACKWARD, BACKWARD_TRANSITIVE)");
          }
          synchronized (lock) {
            append(n == 2 ? "config/" + p.get(1) : "config", JSON.createObjectNode().put("compatibilityLevel", level));
          }
          return JSON.createObjectNode().put("compatibility", level);
        }
        break;
      default:
        break;
    }
    throw new RegistryError(404, "no such endpoint: " + method + " /" + String.join("/", p));
  }

  private List<String> subjects() {
    synchronized (lock) {
      return new ArrayList<>(idByVersionBySubject.keySet());
    }
  }

  private List<Integer> versions(String subject) {
    synchronized (lock) {
      return new ArrayList<>(subjectVersions(subject).keySet());
    }
  }

  private ObjectNode version(String subject, String versionText) {
    synchronized (lock) {
      TreeMap<Integer, Integer> versions = subjectVersions(subject);
      int version = versionText.equals("latest") ? versions.lastKey() : parseInt(versionText, 40402);
      Integer id = versions.get(version);
      if (id == null) {
        throw new RegistryError(40402, "Version " + versionText + " not found.");
      }
      return describe(subject, version, id);
    }
  }

  private ObjectNode schemaById(int id) {
    synchronized (lock) {
      String schema = schemaById.get(id);
      if (schema == null) {
        throw new RegistryError(40403, "Schema " + id + " not found");
      }
      return JSON.createObjectNode().put("schema", schema);
    }
  }

  private ArrayNode versionsOfId(int id) {
    synchronized (lock) {
      ArrayNode result = JSON.createArrayNode();
      idByVersionBySubject.forEach((subject, versions) -> versions.forEach((version, vid) -> {
        if (vid == id) {
          result.addObject().put("subject", subject).put("version", version);
        }
      }));
      if (result.isEmpty()) {
        throw new RegistryError(40403, "Schema " + id + " not found");
      }
      return result;
    }
  }

  private ObjectNode lookup(String subject, Schema schema) {
    synchronized (lock) {
      for (Map.Entry<Integer, Integer> entry : subjectVersions(subject).entrySet()) {
        if (parse(schemaById.get(entry.getValue())).equals(schema)) {
          return describe(subject, entry.getKey(), entry.getValue());
        }
      }
      throw new RegistryError(40403, "Schema not found");
    }
  }

  private int register(String subject, Schema schema) {
    synchronized (lock) {
      TreeMap<Integer, Integer> versions = idByVersionBySubject.getOrDefault(subject, new TreeMap<>());
      for (int id : versions.values()) {
        if (parse(schemaById.get(id)).equals(schema)) {
          return id;
        }
      }
      if (!versions.isEmpty()) {
        List<String> problems = compatibilityProblems(subject, "latest", schema);
        if (!problems.isEmpty()) {
          throw new RegistryError(409, "Schema being registered is incompatible with an earlier schema for subject \""
              + subject + "\": " + String.join("; ", problems));
        }
      }
      int id = existingId(schema);
      if (id < 0) {
        id = schemaById.isEmpty() ? 1 : schemaById.lastKey() + 1;
      }
      int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
      append("schema/" + subject + "/" + version, describe(subject, version, id).put("schema", schema.toString()));
      return id;
    }
  }

  private int existingId(Schema schema) {
    for (Map.Entry<Integer, String> entry : schemaById.entrySet()) {
      if (parse(entry.getValue()).equals(schema)) {
        return entry.getKey();
      }
    }
    return -1;
  }

  /** BACKWARD: the new schema must read data written with the latest (or, transitively, every) version. */
  private List<String> compatibilityProblems(String subject, String againstVersion, Schema candidate) {
    synchronized (lock) {
      String level = compatibilityBySubject.getOrDefault(subject, globalCompatibility);
      TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
      if (level.equals("NONE") || versions == null || versions.isEmpty()) {
        return List.of();
      }
      List<Integer> against = new ArrayList<>();
      if (level.equals("BACKWARD_TRANSITIVE")) {
        against.addAll(versions.values());
      } else {
        against.add(versions.get(
            againstVersion.equals("latest") ? versions.lastKey() : parseInt(againstVersion, 40402)));
      }
      List<String> problems = new ArrayList<>();
      for (Integer id : against) {
        if (id == null) {
          throw new RegistryError(40402, "Version " + againstVersion + " not found.");
        }
        SchemaCompatibility.SchemaPairCompatibility result =
            SchemaCompatibility.checkReaderWriterCompatibility(candidate, parse(schemaById.get(id)));
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          problems.add("cannot read schema id " + id + ": " + result.getResult().getIncompatibilities());
        }
      }
      return problems;
    }
  }

  private TreeMap<Integer, Integer> subjectVersions(String subject) {
    TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new RegistryError(40401, "Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private ObjectNode describe(String subject, int version, int id) {
    return JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
        .put("schema", schemaById.containsKey(id) ? schemaById.get(id) : null);
  }

  private static Schema readSchema(InputStream body) throws IOException {
    JsonNode request = JSON.readTree(body);
    String type = request.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new RegistryError(42201, "Invalid schema: only AVRO is supported, got " + type);
    }
    if (request.hasNonNull("references") && !request.get("references").isEmpty()) {
      throw new RegistryError(42201, "Invalid schema: schema references are not supported");
    }
    return parse(request.path("schema").asText());
  }

  private static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException | NullPointerException e) {
      throw new RegistryError(42201, "Invalid schema: " + e.getMessage());
    }
  }

  private static int parseInt(String text, int errorCode) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new RegistryError(errorCode, "not a number: " + text);
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        segments.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Confluent error codes: the first three digits are the HTTP status. */
  private static final class RegistryError extends RuntimeException {
    final int code;

    RegistryError(int code, String message) {
      super(message);
      this.code = code;
    }

    int httpStatus() {
      return code >= 10000 ? code / 100 : code;
    }
  }
}
